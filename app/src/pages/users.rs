use crate::components::moment::Moment;
use crate::components::notice::ErrorMessage;
use crate::components::pager::{Pager, encode_query_value, page_number};
use crate::components::shell::Me;
use crate::server_fns::roles::list_roles;
use crate::server_fns::users::list_users;
use chrono::{DateTime, Utc};
use domain::dto::{Page, UserQuery, UserRow, UserSort, UserStatus};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

const PAGE_SIZE: u64 = 25;

/// The list's search, filters and order, as they stand in the URL
/// (`?q=&role=&status=&sort=&page=`), so every view can be bookmarked and the back button works.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    search: String,
    role: String,
    status: String,
    sort: String,
}

impl Filters {
    fn query(&self, page: u64) -> UserQuery {
        UserQuery {
            search: Some(self.search.trim().to_string()).filter(|s| !s.is_empty()),
            role: Some(self.role.clone()).filter(|r| !r.is_empty()),
            status: UserStatus::parse(&self.status),
            sort: UserSort::parse(&self.sort),
            limit: Some(PAGE_SIZE),
            offset: Some((page.max(1) - 1) * PAGE_SIZE),
        }
    }

    fn is_narrowed(&self) -> bool {
        !self.search.trim().is_empty() || !self.role.is_empty() || !self.status.is_empty()
    }

    /// The address of one page of the list, keeping the search, filters and order.
    fn href(&self, page: u64) -> String {
        let mut href = format!("/access/users?page={}", page.max(1));
        for (name, value) in [
            ("q", self.search.trim()),
            ("role", &self.role),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                href.push_str(&format!("&{name}={}", encode_query_value(value)));
            }
        }
        href
    }
}

/// Access > Users: the tenant's users, searchable, filterable by role and status, sortable,
/// one page at a time.
#[component]
pub fn UsersPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        Filters {
            search: q.get("q").unwrap_or_default(),
            role: q.get("role").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            sort: q.get("sort").unwrap_or_default(),
        }
    });
    let page = page_number();
    let users = Resource::new(
        move || (filters.get(), page.get()),
        |(filters, page)| list_users(filters.query(page)),
    );
    // The role filter needs role:ListRoles; without it there is no filter (and no refused call).
    let roles = Resource::new(
        || (),
        move |_| async move {
            me.load_if(Permission::ListRoles, list_roles)
                .await
                .map(Option::unwrap_or_default)
        },
    );
    view! {
        <Title text="Users"/>
        <div class="page-header">
            <h1>"Users"</h1>
            <Show when=move || me.can(Permission::ManageUsers)>
                <A href="/access/users/invite" attr:class="button button-primary">"Invite users"</A>
            </Show>
        </div>
        <Form method="GET" action="" attr:class="toolbar filters" attr:role="search">
            <label for="user-search" class="visually-hidden">"Search users"</label>
            <input
                id="user-search"
                type="search"
                name="q"
                placeholder="Search by email or name"
                prop:value=move || filters.read().search.clone()
            />
            <Transition fallback=|| ()>
                {move || {
                    roles
                        .get()
                        .and_then(Result::ok)
                        .filter(|roles| !roles.is_empty())
                        .map(|roles| {
                            view! {
                                <label for="user-role-filter" class="visually-hidden">"Role"</label>
                                <select id="user-role-filter" name="role" prop:value=move || filters.read().role.clone()>
                                    <option value="">"All roles"</option>
                                    {roles
                                        .into_iter()
                                        .filter(|r| r.resource_type.is_none())
                                        .map(|r| view! { <option value=r.name.clone()>{r.display_name}</option> })
                                        .collect_view()}
                                </select>
                            }
                        })
                }}
            </Transition>
            <label for="user-status-filter" class="visually-hidden">"Status"</label>
            <select id="user-status-filter" name="status" prop:value=move || filters.read().status.clone()>
                <option value="">"Any status"</option>
                <option value="active">"Active"</option>
                <option value="deactivated">"Deactivated"</option>
            </select>
            <label for="user-sort" class="visually-hidden">"Sort by"</label>
            <select
                id="user-sort"
                name="sort"
                prop:value=move || UserSort::parse(&filters.read().sort).unwrap_or_default().as_str()
            >
                {UserSort::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str()>{format!("Sort by {}", s.label().to_lowercase())}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || {
                users
                    .get()
                    .map(|result| match result {
                        Ok(page) => view! { <UserTable page filters=filters.get()/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn UserTable(page: Page<UserRow>, filters: Filters) -> impl IntoView {
    if page.items.is_empty() {
        let message = if !filters.is_narrowed() {
            "There are no users on this page.".to_string()
        } else if filters.search.trim().is_empty() {
            "No users match these filters.".to_string()
        } else {
            format!("No users match \u{201c}{}\u{201d}.", filters.search.trim())
        };
        return view! {
            <div class="empty-state">
                <p>{message}</p>
                <A href="/access/users">"Show all users"</A>
            </div>
        }
        .into_any();
    }
    let (offset, limit, total, shown) = (page.offset, page.limit, page.total, page.items.len());
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Teams"</th>
                    <th scope="col">"Role managed by"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Last sign-in"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|user| {
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/access/users/{}", user.id)>{user.email}</A>
                                </td>
                                <td>{user.display_name}</td>
                                <td title=user.role_name>{user.role_display_name}</td>
                                <td>{if user.teams.is_empty() { "None".to_string() } else { user.teams.join(", ") }}</td>
                                <td>{user.role_managed_by.label()}</td>
                                <td>{status_badge(user.status, user.last_login_at)}</td>
                                <td>
                                    <Moment at=user.last_login_at never="Never"/>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager offset limit shown total href=move |n| filters.href(n)/>
    }
    .into_any()
}

/// A user's status as a badge: an active user who never signed in reads "Invited".
pub fn status_badge(status: UserStatus, last_login_at: Option<DateTime<Utc>>) -> AnyView {
    match status {
        UserStatus::Active if last_login_at.is_none() => view! {
            <span class="badge badge-warn" title="Has not signed in yet">"Invited"</span>
        }
        .into_any(),
        UserStatus::Active => {
            view! { <span class="badge badge-ok">{status.label()}</span> }.into_any()
        }
        UserStatus::Deactivated => {
            view! { <span class="badge badge-off">{status.label()}</span> }.into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_filters() {
        assert_eq!(Filters::default().href(2), "/access/users?page=2");
        let filters = Filters {
            search: " ada lovelace ".into(),
            role: "tenant-member".into(),
            status: "active".into(),
            sort: "name".into(),
        };
        assert_eq!(
            filters.href(0),
            "/access/users?page=1&q=ada%20lovelace&role=tenant-member&status=active&sort=name"
        );
        assert_eq!(filters.query(2).offset, Some(25));
        assert_eq!(filters.query(2).status, Some(UserStatus::Active));
        assert_eq!(encode_query_value("a&b=c@d"), "a%26b%3Dc%40d");
    }
}
