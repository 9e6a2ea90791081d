use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::pager::{Pager, page_number, search_page_href};
use crate::components::shell::Me;
use crate::error::AppError;
use crate::server_fns::roles::list_roles;
use crate::server_fns::teams::{CreateTeam, list_teams};
use domain::dto::{NewTeam, Page, RoleSummary, TeamQuery, TeamSummary};
use domain::ids::RoleId;
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_query_map};

const PAGE_SIZE: u64 = 25;

/// Access > Teams: the tenant's teams, searchable, one page at a time (`?q=&page=`).
#[component]
pub fn TeamsPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = page_number();
    let teams = Resource::new(
        move || (search.get(), page.get()),
        |(search, page)| {
            list_teams(TeamQuery {
                search: Some(search).filter(|s| !s.trim().is_empty()),
                limit: Some(PAGE_SIZE),
                offset: Some((page - 1) * PAGE_SIZE),
            })
        },
    );
    view! {
        <Title text="Teams"/>
        <div class="page-header">
            <h1>"Teams"</h1>
            <Show when=move || me.can(Permission::CreateTeam)>
                <A href="/access/teams/new" attr:class="button button-primary">"Create team"</A>
            </Show>
        </div>
        <Show when=move || !me.can(Permission::ReadTeam)>
            <p class="lede">"The teams you manage. You add, remove and promote their members."</p>
        </Show>
        <Form method="GET" action="" attr:class="toolbar filters" attr:role="search">
            <label for="team-search" class="visually-hidden">"Search teams"</label>
            <input
                id="team-search"
                type="search"
                name="q"
                placeholder="Search by name or description"
                prop:value=move || search.get()
            />
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading teams…"</p> }>
            {move || {
                teams
                    .get()
                    .map(|result| match result {
                        Ok(page) => view! { <TeamTable page search=search.get()/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn TeamTable(page: Page<TeamSummary>, search: String) -> impl IntoView {
    if page.items.is_empty() {
        let message = if search.trim().is_empty() {
            "There are no teams yet. Teams group people so a resource can be granted to all of them at once."
                .to_string()
        } else {
            format!("No teams match \u{201c}{}\u{201d}.", search.trim())
        };
        return view! {
            <div class="empty-state">
                <p>{message}</p>
                <Show when=move || !search.trim().is_empty()>
                    <A href="/access/teams">"Show all teams"</A>
                </Show>
            </div>
        }
        .into_any();
    }
    let (offset, limit, total, shown) = (page.offset, page.limit, page.total, page.items.len());
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Members"</th>
                    <th scope="col">"Managers"</th>
                    <th scope="col">"Tenant role"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|team| {
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/access/teams/{}", team.id)>{team.name}</A>
                                </td>
                                <td>{team.description}</td>
                                <td>{team.member_count}</td>
                                <td>
                                    {if team.managers.is_empty() { "None".to_string() } else { team.managers.join(", ") }}
                                </td>
                                <td>{team.role.map_or_else(|| "None".to_string(), |r| r.display_name)}</td>
                            </tr>
                        }
                            .into_any()
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager offset limit shown total href=move |n| search_page_href("/access/teams", &search, n)/>
    }
    .into_any()
}

/// The roles a team form offers (`None` without role:ListRoles, which lists them).
pub type TeamRoleChoices = Resource<Result<Option<Vec<RoleSummary>>, AppError>>;

/// Loads the roles a team form offers. Create it at the page's top level, outside any
/// boundary (see `TeamPage`).
pub fn team_role_choices() -> TeamRoleChoices {
    let me = expect_context::<Me>();
    Resource::new(
        || (),
        move |_| me.load_if(Permission::ListRoles, list_roles),
    )
}

/// The tenant-role select of the team forms: "None", or a role every member inherits. Needs
/// role:ListRoles to list the roles; the server decides whether this user may give one.
#[component]
pub fn TeamRoleSelect(selected: RwSignal<String>, roles: TeamRoleChoices) -> impl IntoView {
    let me = expect_context::<Me>();
    view! {
        <div class="field">
            <label for="team-role">"Tenant role"</label>
            <Show
                when=move || me.can(Permission::ListRoles)
                fallback=|| view! { <p class="muted">"You need role:ListRoles to give a team a role."</p> }
            >
                <Transition fallback=|| view! { <p class="muted">"Loading roles…"</p> }>
                    {move || {
                        roles
                            .get()
                            .map(|result| match result {
                                Ok(None) => ().into_any(),
                                Ok(Some(roles)) => {
                                    view! {
                                        <select
                                            id="team-role"
                                            aria-describedby="team-role-help"
                                            prop:value=move || selected.get()
                                            on:change=move |ev| selected.set(event_target_value(&ev))
                                        >
                                            <option value="">"None"</option>
                                            {roles
                                                .into_iter()
                                                .filter(|r| r.resource_type.is_none())
                                                .map(|r| view! { <option value=r.id.0.to_string()>{r.display_name}</option> })
                                                .collect_view()}
                                        </select>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                            })
                    }}
                </Transition>
            </Show>
            <p class="help" id="team-role-help">"Every member inherits this role's permissions, on top of their own role."</p>
        </div>
    }
}

/// The description field of the team forms.
#[component]
pub fn TeamDescriptionField(description: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="team-description">"Description"</label>
            <textarea
                id="team-description"
                required
                maxlength="500"
                rows="2"
                prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))
            ></textarea>
        </div>
    }
}

/// The role id chosen in a `TeamRoleSelect`.
pub fn chosen_role(selected: &str) -> Option<RoleId> {
    selected.parse::<i64>().ok().map(RoleId)
}

/// /access/teams/new: a new team.
#[component]
pub fn NewTeamPage() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(
                &format!("/access/teams/{}", created.team.id),
                Default::default(),
            );
        }
    });
    let roles = team_role_choices();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateTeam {
            team: NewTeam {
                name: name.get_untracked(),
                description: description.get_untracked(),
                role_id: chosen_role(&role.get_untracked()),
            },
        });
    };
    let team_name_check = FieldCheck::new(action_error(create), "name", "team-name");
    view! {
        <Title text="Create team"/>
        <Breadcrumbs parent_href="/access/teams" parent_label="Teams" current="Create team"/>
        <div class="page-header">
            <h1>"Create team"</h1>
        </div>
        <form class="form panel" on:submit=submit>
            <div class="field">
                <label for="team-name">"Name"</label>
                <input
                    id="team-name"
                    type="text"
                    required
                    maxlength="64"
                    placeholder="ml-engineers"
                    aria-invalid=move || team_name_check.invalid()
                    aria-describedby=move || team_name_check.described_by(Some("team-name-help"))
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <p class="help" id="team-name-help">
                    "Lowercase letters, digits and hyphens. Fixed once created: grants and the API refer to it as team:NAME."
                </p>
                <FieldErrorText check=team_name_check/>
            </div>
            <TeamDescriptionField description/>
            <TeamRoleSelect selected=role roles/>
            <ErrorNotice error=action_error(create)/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>
                    "Create team"
                </button>
            </div>
        </form>
    }
}
