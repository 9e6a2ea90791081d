use crate::components::confirm::ConfirmButton;
use crate::components::notice::{ErrorNotice, NotFoundCopy, action_error, found_or_not_found};
use crate::components::reauthenticate::ActionErrorOrReauthenticate;
use crate::components::route::id_param;
use crate::components::secret::CopyableSecret;
use crate::server_fns::virtual_accounts::{
    DeleteVirtualAccount, RegenerateVirtualAccountToken, RevealVirtualAccountToken,
    get_virtual_account,
};
use domain::dto::{MAX_GRACE_PERIOD_DAYS, TokenStatus, VirtualAccountDetail};
use domain::ids::VirtualAccountId;
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
    let delete = ServerAction::<DeleteVirtualAccount>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if matches!(delete.value().get(), Some(Ok(()))) {
            navigate("/access/virtual-accounts", Default::default());
        }
    });
    let account = Resource::new(
        move || (id(), regenerate.version().get()),
        |(id, _)| async move {
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
                            |detail| view! { <AccountView detail regenerate delete/> }.into_any(),
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
    delete: ServerAction<DeleteVirtualAccount>,
) -> impl IntoView {
    let account = detail.account;
    let id = account.id;
    let subject = format!("virtualaccount:{}", account.name);
    let name = account.name.clone();
    view! {
        <Title text=account.name.clone()/>
        <div class="page-header">
            <h1>{account.name.clone()}</h1>
            <A href="/access/virtual-accounts" attr:class="button button-secondary">"Back to virtual accounts"</A>
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
                    {account.created_by.map(|by| format!(" by {by}"))}
                </dd>
            </dl>
        </section>
        <Show when=move || detail.can_manage>
            <TokenControls id regenerate/>
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
                    <ul class="team-list">
                        {detail
                            .grants
                            .into_iter()
                            .map(|g| {
                                view! {
                                    <li>
                                        <A href=format!("/resources/{}", g.resource.id)>{format!("{} {}", g.resource.resource_type.label(), g.resource.name)}</A>
                                        " " <span class="badge">{g.role}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
        <Show when=move || detail.can_delete>
            <section class="panel">
                <h2>"Delete"</h2>
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
                            <CopyableSecret id="account-token-value" label="Virtual account token" value=token/>
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
