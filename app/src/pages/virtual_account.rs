use crate::components::access::GrantList;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::confirm::ConfirmButton;
use crate::components::copy_field::CopyField;
use crate::components::notice::{
    Confirmation, ErrorNotice, NotFoundCopy, action_error, found_or_not_found,
};
use crate::components::reauthenticate::ActionErrorOrReauthenticate;
use crate::components::route::id_param;
use crate::error::AppError;
use crate::pages::tokens::expiry_from_date;
use crate::pages::virtual_accounts::{
    AccountDescriptionField, OwnerTeamSelect, owner_team_choices,
};
use crate::server_fns::virtual_accounts::{
    DeleteVirtualAccount, RegenerateVirtualAccountToken, RevealVirtualAccountToken,
    UpdateVirtualAccount, get_virtual_account,
};
use domain::dto::{
    MAX_GRACE_PERIOD_DAYS, TeamRef, TokenStatus, VirtualAccountChanges, VirtualAccountDetail,
    VirtualAccountSummary,
};
use domain::ids::{TeamId, VirtualAccountId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

const WHEN: &str = "%Y-%m-%d %H:%M UTC";

/// /access/virtual-accounts/:id: details, token (show, regenerate), grants, delete.
#[component]
pub fn VirtualAccountPage() -> impl IntoView {
    let id = id_param(VirtualAccountId);
    let regenerate = ServerAction::<RegenerateVirtualAccountToken>::new();
    let update = ServerAction::<UpdateVirtualAccount>::new();
    let delete = ServerAction::<DeleteVirtualAccount>::new();
    let teams = owner_team_choices();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/access/virtual-accounts", Default::default());
        }
    });
    let account = Resource::new(
        move || (id(), regenerate.version().get(), update.version().get()),
        |(id, ..)| async move {
            match id {
                Some(id) => get_virtual_account(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <ErrorNotice error=action_error(delete)/>
        <Transition fallback=|| view! { <p class="muted">"Loading virtual account…"</p> }>
            {move || {
                account
                    .get()
                    .map(|result| {
                        found_or_not_found(
                            result,
                            NotFoundCopy {
                                title: "Virtual account not found",
                                message: "There is no such virtual account in this tenant.",
                                back_href: "/access/virtual-accounts",
                                back_label: "Back to virtual accounts",
                            },
                            |detail| view! { <AccountView detail regenerate update delete teams/> }.into_any(),
                        )
                    })
            }}
        </Transition>
    }
}

#[component]
fn AccountView(
    detail: VirtualAccountDetail,
    regenerate: ServerAction<RegenerateVirtualAccountToken>,
    update: ServerAction<UpdateVirtualAccount>,
    delete: ServerAction<DeleteVirtualAccount>,
    teams: Resource<Result<Vec<TeamRef>, AppError>>,
) -> impl IntoView {
    let account = detail.account;
    let editable = account.clone();
    let id = account.id;
    let subject = format!("virtualaccount:{}", account.name);
    let name = account.name.clone();
    view! {
        <Title text=account.name.clone()/>
        <Breadcrumbs parent_href="/access/virtual-accounts" parent_label="Virtual Accounts" current=account.name.clone()/>
        <div class="page-header">
            <h1>{account.name.clone()}</h1>
        </div>
        <section class="panel">
            <dl class="details">
                <dt>"Subject"</dt>
                <dd class="mono">{subject.clone()}</dd>
                <dt>"Owner team"</dt>
                <dd>
                    <A href=format!("/access/teams/{}", account.owner_team.id)>{account.owner_team.name.clone()}</A>
                </dd>
                <dt>"Status"</dt>
                <dd>
                    {if account.expired {
                        view! { <span class="badge badge-muted">"Expired"</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-ok">"Active"</span> }.into_any()
                    }}
                </dd>
                <dt>"Expires"</dt>
                <dd>{account.expires_at.map_or_else(|| "Never".to_string(), |t| t.format(WHEN).to_string())}</dd>
                <dt>"Created"</dt>
                <dd>
                    {account.created_at.format(WHEN).to_string()}
                    {account.created_by.map(|by| format!(" by {}", by.email))}
                </dd>
                <dt>"Description"</dt>
                <dd>{if account.description.is_empty() { "None".to_string() } else { account.description.clone() }}</dd>
            </dl>
        </section>
        <Show when=move || detail.can_manage>
            <TokenControls id regenerate/>
            <EditAccountForm account=editable.clone() update teams/>
        </Show>
        <section class="panel">
            <h2>"Tokens"</h2>
            <table class="table" data-testid="account-tokens">
                <thead>
                    <tr>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Works until"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {detail
                        .tokens
                        .into_iter()
                        .map(|t| {
                            let last_used = match (t.last_used_at, t.last_used_ip) {
                                (Some(at), Some(ip)) => format!("{} from {ip}", at.format(WHEN)),
                                (Some(at), None) => at.format(WHEN).to_string(),
                                (None, _) => "Never".to_string(),
                            };
                            let status = match (t.status, t.current) {
                                (TokenStatus::Active, true) => "Current",
                                (TokenStatus::Active, false) => "In grace period",
                                (other, _) => other.label(),
                            };
                            view! {
                                <tr>
                                    <td>{t.created_at.format(WHEN).to_string()}</td>
                                    <td>{t.expires_at.map_or_else(|| "No end".to_string(), |at| at.format(WHEN).to_string())}</td>
                                    <td>{last_used}</td>
                                    <td>{status}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <section class="panel">
            <h2>"Resources"</h2>
            {if detail.grants.is_empty() {
                view! {
                    <p class="muted">
                        "No resource roles yet. Grant one from a resource's Collaborators section with the subject "
                        <code>{subject.clone()}</code>"."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <GrantList grants=detail.grants.clone()/>
                }
                    .into_any()
            }}
        </section>
        <Show when=move || detail.can_delete>
            <section class="panel danger-zone" aria-labelledby="danger-zone-title">
                <h2 id="danger-zone-title">"Danger zone"</h2>
                <ConfirmButton
                    label="Delete virtual account"
                    question=format!("Delete {name}? Its tokens stop working and its resource roles are removed.")
                    confirm_label="Delete virtual account"
                    on_confirm=Callback::new(move |_| {
                        delete.dispatch(DeleteVirtualAccount { id });
                    })
                />
            </section>
        </Show>
    }
}

/// Show the current token; regenerate it with a grace period for the old one.
#[component]
fn TokenControls(
    id: VirtualAccountId,
    regenerate: ServerAction<RegenerateVirtualAccountToken>,
) -> impl IntoView {
    let reveal = ServerAction::<RevealVirtualAccountToken>::new();
    let grace = RwSignal::new("1".to_string());
    let local_error = RwSignal::new(None::<String>);
    let shown = move || {
        // The newest answer wins: a regenerated token replaces one revealed before.
        let regenerated = regenerate.value().get().and_then(Result::ok);
        match regenerated {
            Some(new) => Some((new.token, new.previous_valid_until)),
            None => reveal.value().get().and_then(Result::ok).map(|t| (t, None)),
        }
    };
    let go = move || match grace.get_untracked().trim().parse::<u32>() {
        Ok(days) if days <= MAX_GRACE_PERIOD_DAYS => {
            local_error.set(None);
            regenerate.dispatch(RegenerateVirtualAccountToken {
                id,
                grace_period_days: days,
            });
        }
        _ => local_error.set(Some(format!(
            "Grace period: a whole number of days from 0 to {MAX_GRACE_PERIOD_DAYS}."
        ))),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go();
    };
    view! {
        <section class="panel" aria-labelledby="token-title">
            <h2 id="token-title">"Token"</h2>
            <p class="help">"Applications send it as Authorization: Bearer <token>. Anyone who may manage this account can show it again."</p>
            <div class="action-row">
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| {
                        reveal.dispatch(RevealVirtualAccountToken { id });
                    }
                >
                    "Show token"
                </button>
            </div>
            <ActionErrorOrReauthenticate action=reveal/>
            {move || {
                shown()
                    .map(|(token, until)| {
                        view! {
                            <CopyField id="account-token-value" label="Virtual account token" value=token/>
                            {until.map(|at| view! {
                                <p class="notice" role="status">
                                    {format!("The previous token keeps working until {}.", at.format(WHEN))}
                                </p>
                            })}
                        }
                    })
            }}
            <form class="form regenerate-form" on:submit=submit>
                <div class="field">
                    <label for="grace-days">"Grace period for the current token (days)"</label>
                    <input
                        id="grace-days"
                        type="number"
                        min="0"
                        max=MAX_GRACE_PERIOD_DAYS.to_string()
                        required
                        prop:value=move || grace.get()
                        on:input=move |ev| grace.set(event_target_value(&ev))
                    />
                </div>
                {move || local_error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
                <ActionErrorOrReauthenticate action=regenerate/>
                <div class="form-actions">
                    <ConfirmButton
                        label="Regenerate token"
                        question="Issue a new token? The current one keeps working for the grace period above, then stops."
                        confirm_label="Regenerate token"
                        on_confirm=Callback::new(move |_| go())
                    />
                </div>
            </form>
        </section>
    }
}

/// Change the owner team, expiry and description (the name is fixed: grants name it).
#[component]
fn EditAccountForm(
    account: VirtualAccountSummary,
    update: ServerAction<UpdateVirtualAccount>,
    teams: Resource<Result<Vec<TeamRef>, AppError>>,
) -> impl IntoView {
    let id = account.id;
    let team = RwSignal::new(account.owner_team.id.0.to_string());
    let expiry = RwSignal::new(
        account
            .expires_at
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    let kept_expiry = account.expires_at;
    let original_expiry = expiry.get_untracked();
    let description = RwSignal::new(account.description.clone());
    let local_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(owner) = team.get_untracked().parse::<i64>() else {
            local_error.set(Some("Pick the team that owns the account.".into()));
            return;
        };
        // An untouched date keeps the stored expiry to the second.
        let chosen = expiry.get_untracked();
        let expires_at = if chosen == original_expiry {
            Ok(kept_expiry)
        } else {
            expiry_from_date(&chosen)
        };
        match expires_at {
            Ok(expires_at) => {
                local_error.set(None);
                update.dispatch(UpdateVirtualAccount {
                    id,
                    changes: VirtualAccountChanges {
                        owner_team_id: TeamId(owner),
                        expires_at,
                        description: description.get_untracked(),
                    },
                });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    view! {
        <section class="panel" aria-labelledby="edit-account-title">
            <h2 id="edit-account-title">"Edit account"</h2>
            <form class="form" on:submit=submit>
                <OwnerTeamSelect selected=team teams/>
                <div class="field">
                    <label for="edit-account-expiry">"Expires on (optional)"</label>
                    <input
                        id="edit-account-expiry"
                        type="date"
                        aria-describedby="edit-account-expiry-help"
                        prop:value=move || expiry.get()
                        on:input=move |ev| expiry.set(event_target_value(&ev))
                    />
                    <p class="help" id="edit-account-expiry-help">
                        "Empty: it does not expire. Moving the account to another team lets that team's managers look after it, so it needs holding what the account holds."
                    </p>
                </div>
                <AccountDescriptionField description/>
                {move || local_error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
                <ErrorNotice error=action_error(update)/>
                <Show when=move || matches!(update.value().get(), Some(Ok(_)))>
                    <Confirmation>"Account saved."</Confirmation>
                </Show>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled=move || update.pending().get()>
                        "Save account"
                    </button>
                </div>
            </form>
        </section>
    }
}
