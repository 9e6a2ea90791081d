use crate::components::confirm::ConfirmButton;
use crate::components::moment::Moment;
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error, count_successes};
use crate::components::pager::{Pager, encode_query_value, page_number};
use crate::components::shell::Me;
use crate::components::subject_picker::SubjectPicker;
use crate::components::toast::toast_on_success;
use crate::pages::invite::InviteForm;
use crate::server_fns::roles::{list_assignable_roles, list_roles};
use crate::server_fns::users::{ChangeUsers, InviteUsers, list_users};
use chrono::{DateTime, Utc};
use domain::dto::{
    BulkUserChange, BulkUserOutcome, Page, SubjectKind, SubjectLink, SubjectSuggestion, UserChange,
    UserQuery, UserRow, UserSort, UserStatus,
};
use domain::ids::{RoleId, TeamId, UserId};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

/// The page sizes offered; the first is the default.
const PAGE_SIZES: [u64; 4] = [25, 50, 100, 200];

/// The list's search, filters, order and page size, as they stand in the URL
/// (`?q=&role=&status=&sort=&size=&page=`), so every view can be bookmarked and the back button
/// works.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    search: String,
    role: String,
    status: String,
    sort: String,
    size: String,
}

impl Filters {
    fn page_size(&self) -> u64 {
        self.size
            .parse()
            .ok()
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(PAGE_SIZES[0])
    }

    fn query(&self, page: u64) -> UserQuery {
        let size = self.page_size();
        UserQuery {
            search: Some(self.search.trim().to_string()).filter(|s| !s.is_empty()),
            role: Some(self.role.clone()).filter(|r| !r.is_empty()),
            status: UserStatus::parse(&self.status),
            sort: UserSort::parse(&self.sort),
            limit: Some(size),
            offset: Some((page.max(1) - 1) * size),
        }
    }

    /// The same list in another order, from its first page.
    fn sorted_by(&self, sort: UserSort) -> Filters {
        Filters {
            sort: sort.as_str().to_string(),
            ..self.clone()
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
            ("size", &self.size),
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
            size: q.get("size").unwrap_or_default(),
        }
    });
    let page = page_number();
    // Bumped after a bulk change, to read the list again.
    let changes = RwSignal::new(0u32);
    let users = Resource::new(
        move || (filters.get(), page.get(), changes.get()),
        |(filters, page, _)| list_users(filters.query(page)),
    );
    // The invite dialog; the list is read again after each invitation.
    let invite_dialog = NodeRef::<leptos::html::Dialog>::new();
    let inviting = RwSignal::new(false);
    let invite = ServerAction::<InviteUsers>::new();
    count_successes(invite, changes);
    // Bulk actions are for those who may change users; a selection lasts while its page shows.
    let bulk_allowed = move || me.can(Permission::ManageUsers);
    let selected: Selection = RwSignal::new(BTreeSet::new());
    Effect::new(move |_| {
        filters.track();
        page.track();
        selected.set(BTreeSet::new());
    });
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
                // A link to the invite page, which the dialog takes over once the page runs.
                <a
                    href="/access/users/invite"
                    class="button button-primary"
                    on:click=move |ev| {
                        if let Some(dialog) = invite_dialog.get() {
                            ev.prevent_default();
                            inviting.set(true);
                            let _ = dialog.show_modal();
                        }
                    }
                >
                    "Invite users"
                </a>
            </Show>
        </div>
        <Show when=move || me.can(Permission::ManageUsers)>
            <dialog
                node_ref=invite_dialog
                class="dialog"
                aria-labelledby="invite-dialog-title"
                on:close=move |_| {
                    inviting.set(false);
                    invite.value().set(None);
                }
            >
                <div class="dialog-header">
                    <h2 id="invite-dialog-title">"Invite users"</h2>
                    <button
                        type="button"
                        class="button button-secondary"
                        on:click=move |_| {
                            if let Some(dialog) = invite_dialog.get() {
                                dialog.close();
                            }
                        }
                    >
                        "Close"
                    </button>
                </div>
                // Built when opened, so each opening starts from an empty form.
                {move || inviting.get().then(|| view! { <InviteForm invite/> })}
            </dialog>
        </Show>
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
            // The order is chosen with the column headers; it rides along with a search.
            <input type="hidden" name="sort" prop:value=move || filters.read().sort.clone()/>
            <label for="user-page-size">"Per page"</label>
            <select
                id="user-page-size"
                name="size"
                prop:value=move || filters.read().page_size().to_string()
            >
                {PAGE_SIZES
                    .into_iter()
                    .map(|n| view! { <option value=n.to_string()>{n}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
        {move || {
            bulk_allowed()
                .then(|| view! { <BulkBar selected changes/> })
        }}
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || {
                users
                    .get()
                    .map(|result| match result {
                        Ok(page) => {
                            view! { <UserTable page filters=filters.get() selected=bulk_allowed().then_some(selected)/> }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// The users chosen for a bulk action, on the page shown.
type Selection = RwSignal<BTreeSet<UserId>>;

/// "3 selected", the change to make, and one confirmation for all of them.
#[component]
fn BulkBar(selected: Selection, changes: RwSignal<u32>) -> impl IntoView {
    let apply = ServerAction::<ChangeUsers>::new();
    let kind = RwSignal::new("deactivate".to_string());
    let role = RwSignal::new(String::new());
    let team = RwSignal::new(None::<(TeamId, String)>);
    let team_text = RwSignal::new(String::new());
    let roles = Resource::new(
        || (),
        |_| async move { list_assignable_roles().await.unwrap_or_default() },
    );
    toast_on_success(apply, |outcome: &BulkUserOutcome| {
        match outcome.changed.len() {
            0 => "Nobody needed the change.".to_string(),
            1 => format!("Changed {}.", outcome.changed[0]),
            n => format!("Changed {n} users."),
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = apply.value().get() {
            selected.set(BTreeSet::new());
            changes.update(|n| *n += 1);
        }
    });
    // What the chosen action would do, once it is complete.
    let change = move || -> Option<(UserChange, String)> {
        let count = selected.with(BTreeSet::len);
        let people = if count == 1 {
            "1 user".to_string()
        } else {
            format!("{count} users")
        };
        match kind.get().as_str() {
            "deactivate" => Some((
                UserChange::Deactivate,
                format!("Deactivate {people}? They are signed out everywhere."),
            )),
            "activate" => Some((UserChange::Activate, format!("Activate {people}?"))),
            "role" => {
                let id = role.get().parse::<i64>().ok()?;
                let name = roles
                    .get()?
                    .into_iter()
                    .find(|r| r.id.0 == id)
                    .map(|r| r.display_name)?;
                Some((
                    UserChange::Role(RoleId(id)),
                    format!("Give {people} the role {name}?"),
                ))
            }
            "team" => team.get().map(|(id, name)| {
                (
                    UserChange::JoinTeam(id),
                    format!("Add {people} to the team {name}?"),
                )
            }),
            _ => None,
        }
    };
    view! {
        <Show when=move || selected.with(|s| !s.is_empty())>
            <section class="bulk-bar" aria-label="Bulk actions">
                <strong>{move || format!("{} selected", selected.with(BTreeSet::len))}</strong>
                <label for="bulk-action">"Action"</label>
                <select id="bulk-action" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                    <option value="deactivate">"Deactivate"</option>
                    <option value="activate">"Activate"</option>
                    <option value="role">"Change role"</option>
                    <option value="team">"Add to team"</option>
                </select>
                <Show when=move || kind.get() == "role">
                    <label for="bulk-role" class="visually-hidden">"New role"</label>
                    <select id="bulk-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                        <option value="">"Choose a role"</option>
                        <Suspense fallback=|| ()>
                            {move || {
                                roles
                                    .get()
                                    .map(|roles| {
                                        roles
                                            .into_iter()
                                            .map(|r| {
                                                let disabled = r.unavailable.is_some();
                                                view! {
                                                    <option value=r.id.0.to_string() disabled=disabled>
                                                        {r.display_name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()
                                    })
                            }}
                        </Suspense>
                    </select>
                </Show>
                <Show when=move || kind.get() == "team">
                    <label for="bulk-team" class="visually-hidden">"Team"</label>
                    <SubjectPicker
                        id="bulk-team"
                        value=team_text
                        kinds=vec![SubjectKind::Team]
                        placeholder="Find a team"
                        on_pick=Callback::new(move |picked: SubjectSuggestion| {
                            if let SubjectLink::Team(id) = picked.link {
                                team.set(Some((id, picked.label)));
                            }
                        })
                    />
                    {move || team.get().map(|(_, name)| view! { <span class="badge">{name}</span> })}
                </Show>
                {move || match change() {
                    Some((change, question)) => view! {
                        <ConfirmButton
                            label="Apply"
                            question=question
                            confirm_label="Apply to all"
                            reversible=true
                            on_confirm=Callback::new(move |_| {
                                apply.dispatch(ChangeUsers {
                                    change: BulkUserChange {
                                        users: selected.get_untracked().into_iter().collect(),
                                        change,
                                    },
                                });
                            })
                        />
                    }
                    .into_any(),
                    None => view! { <span class="muted">"Choose what to change."</span> }.into_any(),
                }}
                <button type="button" class="button button-secondary" on:click=move |_| selected.set(BTreeSet::new())>
                    "Clear selection"
                </button>
            </section>
        </Show>
        <ErrorNotice error=action_error(apply)/>
    }
}

/// A column header that sorts the list by it, marked as the current order when it is.
#[component]
fn SortHeader(filters: Filters, sort: UserSort) -> impl IntoView {
    let current = UserSort::parse(&filters.sort).unwrap_or_default() == sort;
    let direction = match sort {
        UserSort::LastSignIn => "descending",
        UserSort::Email | UserSort::Name => "ascending",
    };
    let href = filters.sorted_by(sort).href(1);
    view! {
        <th scope="col" aria-sort=current.then_some(direction)>
            <A href=href attr:class="sort-link">
                {sort.label()}
                <span aria-hidden="true">{if current { if direction == "descending" { " \u{2193}" } else { " \u{2191}" } } else { "" }}</span>
            </A>
        </th>
    }
}

#[component]
fn UserTable(
    page: Page<UserRow>,
    filters: Filters,
    /// The bulk selection, for those who may change users.
    selected: Option<Selection>,
) -> impl IntoView {
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
    let on_page: Vec<UserId> = page.items.iter().map(|u| u.id).collect();
    let all_checked = {
        let on_page = on_page.clone();
        move || selected.is_some_and(|s| s.with(|s| on_page.iter().all(|id| s.contains(id))))
    };
    let pager_filters = filters.clone();
    view! {
        <table class="table">
            <thead>
                <tr>
                    {selected.map(|selected| {
                        let on_page = on_page.clone();
                        view! {
                            <th scope="col" class="select-cell">
                                <input
                                    type="checkbox"
                                    aria-label="Select every user on this page"
                                    prop:checked=all_checked.clone()
                                    on:change=move |ev| {
                                        let check = event_target_checked(&ev);
                                        selected.update(|s| {
                                            for id in &on_page {
                                                if check { s.insert(*id); } else { s.remove(id); }
                                            }
                                        });
                                    }
                                />
                            </th>
                        }
                    })}
                    <SortHeader filters=filters.clone() sort=UserSort::Email/>
                    <SortHeader filters=filters.clone() sort=UserSort::Name/>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Teams"</th>
                    <th scope="col">"Role managed by"</th>
                    <th scope="col">"Status"</th>
                    <SortHeader filters=filters.clone() sort=UserSort::LastSignIn/>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|user| {
                        let id = user.id;
                        let label = format!("Select {}", user.email);
                        view! {
                            <tr>
                                {selected.map(|selected| view! {
                                    <td class="select-cell">
                                        <input
                                            type="checkbox"
                                            aria-label=label.clone()
                                            prop:checked=move || selected.with(|s| s.contains(&id))
                                            on:change=move |ev| {
                                                let check = event_target_checked(&ev);
                                                selected.update(|s| {
                                                    if check { s.insert(id); } else { s.remove(&id); }
                                                });
                                            }
                                        />
                                    </td>
                                })}
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
        <Pager offset limit shown total href=move |n| pager_filters.href(n)/>
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
            size: "50".into(),
        };
        assert_eq!(
            filters.href(0),
            "/access/users?page=1&q=ada%20lovelace&role=tenant-member&status=active&sort=name&size=50"
        );
        assert_eq!(filters.query(2).offset, Some(50));
        assert_eq!(filters.query(2).limit, Some(50));
        let odd = Filters {
            size: "7".into(),
            ..Filters::default()
        };
        assert_eq!(odd.query(1).limit, Some(25), "only offered sizes");
        assert_eq!(
            filters.sorted_by(UserSort::LastSignIn).href(1),
            "/access/users?page=1&q=ada%20lovelace&role=tenant-member&status=active&sort=last_sign_in&size=50"
        );
        assert_eq!(filters.query(2).status, Some(UserStatus::Active));
        assert_eq!(encode_query_value("a&b=c@d"), "a%26b%3Dc%40d");
    }
}
