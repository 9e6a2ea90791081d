use crate::components::shell::Me;
use crate::server_fns::users::list_users;
use domain::dto::{Page, UserQuery, UserRow, UserStatus};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

const PAGE_SIZE: u64 = 25;

/// Access > Users: the tenant's users, searchable and paged through the URL (`?q=&page=`),
/// so every view can be bookmarked and the back button works.
#[component]
pub fn UsersPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    };
    let users = Resource::new(
        move || (search(), page()),
        |(search, page)| {
            list_users(UserQuery {
                search: Some(search).filter(|s| !s.trim().is_empty()),
                limit: Some(PAGE_SIZE),
                offset: Some((page - 1) * PAGE_SIZE),
            })
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
        <Form method="GET" action="" attr:class="toolbar" attr:role="search">
            <label for="user-search" class="visually-hidden">"Search users"</label>
            <input id="user-search" type="search" name="q" placeholder="Search by email or name" prop:value=search/>
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || {
                users
                    .get()
                    .map(|result| match result {
                        Ok(page) => view! { <UserTable page search=search()/> }.into_any(),
                        Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn UserTable(page: Page<UserRow>, search: String) -> impl IntoView {
    if page.items.is_empty() {
        let message = if search.trim().is_empty() {
            "There are no users on this page.".to_string()
        } else {
            format!("No users match \u{201c}{}\u{201d}.", search.trim())
        };
        return view! {
            <div class="empty-state">
                <p>{message}</p>
                <A href="/access/users">"Show all users"</A>
            </div>
        }
        .into_any();
    }
    let first = page.offset + 1;
    let last = page.offset + page.items.len() as u64;
    let has_previous = page.offset > 0;
    let has_next = last < page.total;
    let current = page.offset / page.limit.max(1) + 1;
    let previous_href = page_href(&search, current.saturating_sub(1));
    let next_href = page_href(&search, current + 1);
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Last sign-in"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|user| {
                        let status_class = match user.status {
                            UserStatus::Active => "badge badge-ok",
                            UserStatus::Deactivated => "badge badge-off",
                        };
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/access/users/{}", user.id)>{user.email}</A>
                                </td>
                                <td>{user.display_name}</td>
                                <td title=user.role_name>{user.role_display_name}</td>
                                <td><span class=status_class>{user.status.label()}</span></td>
                                <td>
                                    {user
                                        .last_login_at
                                        .map_or_else(|| "Never".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            <span class="muted">{format!("Showing {first}\u{2013}{last} of {}", page.total)}</span>
            <Show when=move || has_previous>
                <A href=previous_href.clone() attr:class="button button-secondary" attr:rel="prev">"Previous"</A>
            </Show>
            <Show when=move || has_next>
                <A href=next_href.clone() attr:class="button button-secondary" attr:rel="next">"Next"</A>
            </Show>
        </nav>
    }
    .into_any()
}

/// The address of one page of the list, keeping the search.
fn page_href(search: &str, page: u64) -> String {
    let mut href = format!("/access/users?page={}", page.max(1));
    if !search.trim().is_empty() {
        href.push_str("&q=");
        href.push_str(&encode_query_value(search.trim()));
    }
    href
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_search() {
        assert_eq!(page_href("", 2), "/access/users?page=2");
        assert_eq!(
            page_href(" ada lovelace ", 0),
            "/access/users?page=1&q=ada%20lovelace"
        );
        assert_eq!(encode_query_value("a&b=c@d"), "a%26b%3Dc%40d");
    }
}
