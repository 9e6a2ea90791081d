use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::ErrorMessage;
use crate::components::notice::action_error;
use crate::components::pager::{Pager, page_number, search_page_href};
use crate::components::reauthenticate::ActionErrorOrReauthenticate;
use crate::components::shell::Me;
use crate::error::AppError;
use crate::pages::tokens::expiry_from_date;
use crate::server_fns::teams::list_teams;
use crate::server_fns::virtual_accounts::{CreateVirtualAccount, list_virtual_accounts};
use domain::dto::{
    NewVirtualAccount, Page, TeamQuery, TeamRef, VirtualAccountQuery, VirtualAccountSummary,
};
use domain::ids::TeamId;
use domain::permissions::Permission;
use domain::validation::{TOKEN_NAME_MAX, TOKEN_NAME_MIN};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_navigate, use_query_map};

const PAGE_SIZE: u64 = 25;

/// Access > Virtual Accounts (`?q=&page=`).
#[component]
pub fn VirtualAccountsPage() -> impl IntoView {
    let me = expect_context::<Me>();
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = page_number();
    let accounts = Resource::new(
        move || (search.get(), page.get()),
        |(search, page)| {
            list_virtual_accounts(VirtualAccountQuery {
                search: Some(search).filter(|s| !s.trim().is_empty()),
                limit: Some(PAGE_SIZE),
                offset: Some((page - 1) * PAGE_SIZE),
                ..VirtualAccountQuery::default()
            })
        },
    );
    let may_create = move || {
        me.can(Permission::CreateVirtualAccount)
            || me
                .user()
                .is_some_and(|u| u.can_as_team_manager(Permission::CreateVirtualAccount))
    };
    view! {
        <Title text="Virtual Accounts"/>
        <div class="page-header">
            <h1>"Virtual Accounts"</h1>
            <Show when=may_create>
                <A href="/access/virtual-accounts/new" attr:class="button button-primary">"Create virtual account"</A>
            </Show>
        </div>
        <p class="lede">
            "A virtual account lets an application call the API without a person's token: it is owned by a team, holds only the resource roles granted to "
            <code>"virtualaccount:<name>"</code>
            ", and keeps working when people leave."
        </p>
        <Form method="GET" action="" attr:class="toolbar filters" attr:role="search">
            <label for="account-search" class="visually-hidden">"Search virtual accounts"</label>
            <input id="account-search" type="search" name="q" placeholder="Search by name" prop:value=move || search.get()/>
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">"Loading virtual accounts…"</p> }>
            {move || {
                accounts
                    .get()
                    .map(|result| match result {
                        Ok(page) => view! { <AccountTable page search=search.get()/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AccountTable(page: Page<VirtualAccountSummary>, search: String) -> impl IntoView {
    if page.items.is_empty() {
        let message = if search.trim().is_empty() {
            "There are no virtual accounts yet.".to_string()
        } else {
            format!(
                "No virtual accounts match \u{201c}{}\u{201d}.",
                search.trim()
            )
        };
        return view! { <div class="empty-state"><p>{message}</p></div> }.into_any();
    }
    let (offset, limit, total, shown) = (page.offset, page.limit, page.total, page.items.len());
    view! {
        <table class="table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Owner team"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Created by"</th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|account| {
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/access/virtual-accounts/{}", account.id)>{account.name}</A>
                                </td>
                                <td>
                                    <A href=format!("/access/teams/{}", account.owner_team.id)>{account.owner_team.name}</A>
                                </td>
                                <td>{account.expires_at.map_or_else(|| "Never".to_string(), |t| t.format("%Y-%m-%d").to_string())}</td>
                                <td>
                                    {if account.expired {
                                        view! { <span class="badge badge-muted">"Expired"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge badge-ok">"Active"</span> }.into_any()
                                    }}
                                </td>
                                <td>{account.created_by.map_or_else(|| "\u{2014}".to_string(), |by| by.email)}</td>
                            </tr>
                        }
                            .into_any()
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager offset limit shown total href=move |n| search_page_href("/access/virtual-accounts", &search, n)/>
    }
    .into_any()
}

/// /access/virtual-accounts/new.
#[component]
pub fn NewVirtualAccountPage() -> impl IntoView {
    let create = ServerAction::<CreateVirtualAccount>::new();
    let teams = owner_team_choices();
    let name = RwSignal::new(String::new());
    let team = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            navigate(
                &format!("/access/virtual-accounts/{}", created.detail.account.id),
                Default::default(),
            );
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(owner) = team.get_untracked().parse::<i64>() else {
            local_error.set(Some("Pick the team that owns the account.".into()));
            return;
        };
        match expiry_from_date(&expiry.get_untracked()) {
            Ok(expires_at) => {
                local_error.set(None);
                create.dispatch(CreateVirtualAccount {
                    account: NewVirtualAccount {
                        name: name.get_untracked(),
                        owner_team_id: TeamId(owner),
                        expires_at,
                        description: description.get_untracked(),
                    },
                });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let account_name_check = FieldCheck::new(action_error(create), "name", "account-name");
    let account_expiry_check =
        FieldCheck::new(action_error(create), "expires_at", "account-expiry");
    view! {
        <Title text="Create virtual account"/>
        <Breadcrumbs parent_href="/access/virtual-accounts" parent_label="Virtual Accounts" current="Create virtual account"/>
        <div class="page-header">
            <h1>"Create virtual account"</h1>
        </div>
        <form class="form panel" on:submit=submit>
            <div class="field">
                <label for="account-name">"Name"</label>
                <input
                    id="account-name"
                    type="text"
                    required
                    minlength=TOKEN_NAME_MIN.to_string()
                    maxlength=TOKEN_NAME_MAX.to_string()
                    placeholder="ci-deployer"
                    aria-invalid=move || account_name_check.invalid()
                    aria-describedby=move || account_name_check.described_by(Some("account-name-help"))
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <p class="help" id="account-name-help">
                    {format!("{TOKEN_NAME_MIN} to {TOKEN_NAME_MAX} characters: lowercase letters, digits and hyphens, starting with a letter. Grants name it virtualaccount:NAME.")}
                </p>
                <FieldErrorText check=account_name_check/>
            </div>
            <OwnerTeamSelect selected=team teams/>
            <div class="field">
                <label for="account-expiry">"Expires on (optional)"</label>
                <input
                    id="account-expiry"
                    type="date"
                    aria-invalid=move || account_expiry_check.invalid()
                    aria-describedby=move || account_expiry_check.described_by(Some("account-expiry-help"))
                    prop:value=move || expiry.get()
                    on:input=move |ev| expiry.set(event_target_value(&ev))
                />
                <p class="help" id="account-expiry-help">"After this day (UTC) the account and its tokens stop working."</p>
                <FieldErrorText check=account_expiry_check/>
            </div>
            <AccountDescriptionField description/>
            {move || local_error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ActionErrorOrReauthenticate action=create/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>
                    "Create virtual account"
                </button>
            </div>
        </form>
    }
}

/// The teams that may own a virtual account, for the owner-team picker: every team for
/// those who may read teams, otherwise the teams one manages. Create it once per page, not
/// inside a view that reloads: a resource born in a re-rendered view inside the page's
/// Transition keeps that Transition showing its stale content.
pub fn owner_team_choices() -> Resource<Result<Vec<TeamRef>, AppError>> {
    let me = expect_context::<Me>();
    Resource::new(
        move || me.can(Permission::ReadTeam),
        move |all| async move {
            if all {
                list_teams(TeamQuery {
                    limit: Some(200),
                    ..TeamQuery::default()
                })
                .await
                .map(|page| {
                    page.items
                        .into_iter()
                        .map(|t| TeamRef {
                            id: t.id,
                            name: t.name,
                        })
                        .collect::<Vec<_>>()
                })
            } else {
                Ok(me.user().map(|u| u.managed_teams).unwrap_or_default())
            }
        },
    )
}

/// The owner-team picker of the create and edit forms. `selected` holds the chosen team's id.
#[component]
pub fn OwnerTeamSelect(
    selected: RwSignal<String>,
    teams: Resource<Result<Vec<TeamRef>, AppError>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="account-team">"Owner team"</label>
            <Transition fallback=|| view! { <p class="muted">"Loading teams…"</p> }>
                {move || {
                    teams
                        .get()
                        .map(|result| match result {
                            Ok(teams) if teams.is_empty() => {
                                view! { <p class="muted">"There is no team to own the account yet: create a team first."</p> }.into_any()
                            }
                            Ok(teams) => {
                                view! {
                                    <select
                                        id="account-team"
                                        required
                                        prop:value=move || selected.get()
                                        on:change=move |ev| selected.set(event_target_value(&ev))
                                    >
                                        <option value="">"Choose a team"</option>
                                        {teams
                                            .into_iter()
                                            .map(|t| {
                                                let value = t.id.0.to_string();
                                                let chosen = value.clone();
                                                view! {
                                                    <option value=value selected=move || selected.get() == chosen>
                                                        {t.name}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}

/// The optional description of a virtual account.
#[component]
pub fn AccountDescriptionField(description: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="account-description">"Description (optional)"</label>
            <textarea
                id="account-description"
                rows="2"
                maxlength="500"
                placeholder="What calls the API with this account"
                prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))
            ></textarea>
        </div>
    }
}
