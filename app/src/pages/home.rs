use crate::components::moment::Moment;
use crate::components::notice::ErrorMessage;
use crate::components::shell::Me;
use crate::server_fns::resources::list_resources;
use crate::server_fns::tokens::list_own_tokens;
use domain::dto::{CurrentUser, TokenQuery, TokenStatus};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Redirect};

/// Resources listed on the home page before "All resources" takes over.
const RESOURCES_SHOWN: usize = 8;

/// `/`: where people land after signing in. Those who run the user directory
/// (user:ManageUsers) go on to Users; everyone else gets a page about themselves: their role,
/// teams, resources and tokens.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<Me>();
    if me.can(Permission::ManageUsers) {
        return view! { <Redirect path="/access/users"/> }.into_any();
    }
    match me.user() {
        Some(user) => view! { <MemberHome user/> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn MemberHome(user: CurrentUser) -> impl IntoView {
    let me = expect_context::<Me>();
    let resources = Resource::new(|| (), |_| list_resources(None));
    let tokens = Resource::new(
        || (),
        |_| {
            list_own_tokens(TokenQuery {
                search: None,
                limit: Some(5),
                offset: None,
            })
        },
    );
    let permission_count = user.permissions.len();
    view! {
        <Title text="Home"/>
        <div class="page-header">
            <h1>"Your access"</h1>
        </div>
        <p class="lead">
            {format!("Signed in as {} to {}, with the role ", user.email, user.tenant_name)}
            <strong>{user.role_display_name.clone()}</strong>
            {format!(
                " ({permission_count} tenant permission{}).",
                if permission_count == 1 { "" } else { "s" }
            )}
            " "
            <A href="/profile">"Your profile"</A>
        </p>
        <div class="home-grid">
            <section class="panel" aria-labelledby="home-teams">
                <h2 id="home-teams">"Your teams"</h2>
                {if user.teams.is_empty() {
                    view! { <p class="muted">"You are not in a team. A team's manager or an admin can add you."</p> }
                        .into_any()
                } else {
                    view! {
                        <ul class="team-list">
                            {user
                                .teams
                                .iter()
                                .map(|team| {
                                    let manages = user.managed_teams.iter().any(|t| t.id == team.id);
                                    let name = team.name.clone();
                                    view! {
                                        <li>
                                            {if me.can_open_team(team.id) {
                                                view! { <A href=format!("/access/teams/{}", team.id)>{name}</A> }.into_any()
                                            } else {
                                                view! { <span>{name}</span> }.into_any()
                                            }}
                                            {manages.then(|| view! { " " <span class="badge">"Manager"</span> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
            <section class="panel" aria-labelledby="home-resources">
                <h2 id="home-resources">"Your resources"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading resources…"</p> }>
                    {move || {
                        resources
                            .get()
                            .map(|result| match result {
                                Ok(list) if list.is_empty() => view! {
                                    <p class="muted">"No resources yet. Someone who manages a resource can make you, or one of your teams, a collaborator on it."</p>
                                }
                                    .into_any(),
                                Ok(list) => {
                                    let more = list.len().saturating_sub(RESOURCES_SHOWN);
                                    view! {
                                        <ul class="team-list">
                                            {list
                                                .into_iter()
                                                .take(RESOURCES_SHOWN)
                                                .map(|r| view! {
                                                    <li>
                                                        <A href=format!("/resources/{}", r.id)>{r.name}</A>
                                                        " "
                                                        <span class="muted">{r.resource_type.label()}</span>
                                                    </li>
                                                })
                                                .collect_view()}
                                        </ul>
                                        <A href="/resources">
                                            {if more > 0 { format!("All resources ({more} more)") } else { "All resources".to_string() }}
                                        </A>
                                    }
                                        .into_any()
                                }
                                Err(error) => view! { <ErrorMessage error/> }.into_any(),
                            })
                    }}
                </Transition>
            </section>
            <section class="panel" aria-labelledby="home-tokens">
                <h2 id="home-tokens">"Personal access tokens"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
                    {move || {
                        tokens
                            .get()
                            .map(|result| match result {
                                Ok(own) if own.page.total == 0 => view! {
                                    <p class="muted">"You have no tokens. A token lets scripts call the API as you."</p>
                                    <A href="/access/tokens" attr:class="button button-secondary">"Create a token"</A>
                                }
                                    .into_any(),
                                Ok(own) => view! {
                                    <p>{format!("{} active.", own.active)}</p>
                                    <ul class="team-list">
                                        {own
                                            .page
                                            .items
                                            .into_iter()
                                            .filter(|t| t.status == TokenStatus::Active)
                                            .map(|t| view! {
                                                <li>
                                                    <span class="mono">{t.name}</span>
                                                    " "
                                                    <span class="muted">"last used "</span>
                                                    <Moment at=t.last_used_at never="never"/>
                                                </li>
                                            })
                                            .collect_view()}
                                    </ul>
                                    <A href="/access/tokens">"Manage your tokens"</A>
                                }
                                    .into_any(),
                                Err(error) => view! { <ErrorMessage error/> }.into_any(),
                            })
                    }}
                </Transition>
            </section>
        </div>
    }
}
