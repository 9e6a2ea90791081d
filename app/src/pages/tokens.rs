use crate::components::confirm::ConfirmButton;
use crate::components::copy_field::CopyField;
use crate::components::field_error::{FieldCheck, FieldErrorText};
use crate::components::notice::{ErrorMessage, ErrorNotice, action_error, count_successes};
use crate::components::pager::{Pager, page_number};
use crate::components::reauthenticate::ActionErrorOrReauthenticate;
use crate::components::toast::toast_on_success;
use crate::server_fns::tokens::{CreateOwnToken, RevokeOwnToken, list_own_tokens};
use chrono::{NaiveDate, Utc};
use domain::dto::{IssuedToken, NewToken, OwnTokens, TokenQuery, TokenRow, TokenStatus};
use domain::ids::TokenId;
use domain::validation::{TOKEN_NAME_MAX, TOKEN_NAME_MIN};
use leptos::prelude::*;
use leptos_meta::Title;

const PAGE_SIZE: u64 = 25;

fn tokens_href(page: u64) -> String {
    format!("/access/tokens?page={}", page.max(1))
}

/// A date from the expiry picker as the end of that day in UTC: the token works through the
/// date chosen. Empty means no expiry.
pub fn expiry_from_date(raw: &str) -> Result<Option<chrono::DateTime<Utc>>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(23, 59, 59))
        .map(|at| Some(at.and_utc()))
        .ok_or_else(|| "Enter the expiry date as YYYY-MM-DD.".to_string())
}

/// Access > Personal Access Tokens: the signed-in user's own tokens (`?page=`).
#[component]
pub fn TokensPage() -> impl IntoView {
    let page = page_number();
    let create = ServerAction::<CreateOwnToken>::new();
    let revoke = ServerAction::<RevokeOwnToken>::new();
    toast_on_success(revoke, |token: &TokenRow| {
        format!("Revoked the token {}.", token.name)
    });
    let changes = RwSignal::new(0u32);
    count_successes(create, changes);
    count_successes(revoke, changes);
    let tokens = Resource::new(
        move || (page.get(), changes.get()),
        |(page, _)| {
            list_own_tokens(TokenQuery {
                limit: Some(PAGE_SIZE),
                offset: Some((page - 1) * PAGE_SIZE),
                search: None,
            })
        },
    );
    // Kept outside the list so a reload after creating does not hide the new token.
    let issued = RwSignal::new(None::<IssuedToken>);
    Effect::new(move |_| {
        if let Some(Ok(token)) = create.value().get() {
            issued.set(Some(token));
        }
    });
    view! {
        <Title text="Personal Access Tokens"/>
        <div class="page-header">
            <h1>"Personal Access Tokens"</h1>
        </div>
        <p class="lede">
            "A personal access token lets a script call the Latchkey API as you, with all your permissions at the moment of each call. Send it as "
            <code>"Authorization: Bearer <token>"</code> "."
        </p>
        {move || issued.get().map(|token| view! { <IssuedTokenPanel token on_done=move || issued.set(None)/> })}
        <Transition fallback=|| view! { <p class="muted">"Loading tokens…"</p> }>
            {move || {
                tokens
                    .get()
                    .map(|result| match result {
                        Ok(own) => {
                            view! {
                                <NewTokenForm create own=own.clone()/>
                                <TokenTable own revoke/>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// The new token, shown this once, with a copy button.
#[component]
fn IssuedTokenPanel(
    token: IssuedToken,
    on_done: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <section class="panel panel-success" aria-labelledby="issued-title" data-testid="issued-token">
            <h2 id="issued-title">{format!("Token {} created", token.token.name)}</h2>
            <p class="notice notice-warning" role="status">
                "Copy this token now. It is shown only once: Latchkey keeps only a hash of it."
            </p>
            <CopyField id="issued-token-value" label="Token" value=token.value/>
            <div class="form-actions">
                <button type="button" class="button button-primary" on:click=move |_| on_done()>"Done"</button>
            </div>
        </section>
    }
}

#[component]
fn NewTokenForm(create: ServerAction<CreateOwnToken>, own: OwnTokens) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let today = Utc::now().date_naive();
    let min_date = (today + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let max_date = own.limits.pat_max_age_days.map(|days| {
        (today + chrono::Duration::days(i64::from(days)))
            .format("%Y-%m-%d")
            .to_string()
    });
    let mut limits = Vec::new();
    if let Some(days) = own.limits.pat_max_age_days {
        limits.push(format!(
            "Tokens may live at most {days} days: an expiry date is required."
        ));
    }
    if let Some(max) = own.limits.pat_max_active {
        limits.push(format!(
            "At most {max} active token(s) per person; you have {}.",
            own.active
        ));
    }
    let expiry_required = own.limits.pat_max_age_days.is_some();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            expiry.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match expiry_from_date(&expiry.get_untracked()) {
            Ok(expires_at) => {
                local_error.set(None);
                create.dispatch(CreateOwnToken {
                    token: NewToken {
                        name: name.get_untracked(),
                        expires_at,
                    },
                });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let token_name_check = FieldCheck::new(action_error(create), "name", "token-name");
    let token_expiry_check = FieldCheck::new(action_error(create), "expires_at", "token-expiry");
    view! {
        <form class="form panel" on:submit=submit aria-labelledby="new-token-title">
            <h2 id="new-token-title">"New token"</h2>
            <div class="field">
                <label for="token-name">"Name"</label>
                <input
                    id="token-name"
                    type="text"
                    required
                    minlength=TOKEN_NAME_MIN.to_string()
                    maxlength=TOKEN_NAME_MAX.to_string()
                    placeholder="ci-deploy"
                    aria-invalid=move || token_name_check.invalid()
                    aria-describedby=move || token_name_check.described_by(Some("token-name-help"))
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <p class="help" id="token-name-help">
                    {format!("{TOKEN_NAME_MIN} to {TOKEN_NAME_MAX} characters: lowercase letters, digits and hyphens, starting with a letter.")}
                </p>
                <FieldErrorText check=token_name_check/>
            </div>
            <div class="field">
                <label for="token-expiry">{if expiry_required { "Expires on" } else { "Expires on (optional)" }}</label>
                <input
                    id="token-expiry"
                    type="date"
                    required=expiry_required
                    min=min_date
                    max=max_date
                    aria-invalid=move || token_expiry_check.invalid()
                    aria-describedby=move || token_expiry_check.described_by(Some("token-expiry-help"))
                    prop:value=move || expiry.get()
                    on:input=move |ev| expiry.set(event_target_value(&ev))
                />
                <p class="help" id="token-expiry-help">
                    "The token works through the end of this day (UTC). Leave it empty for a token that does not expire."
                </p>
                <FieldErrorText check=token_expiry_check/>
            </div>
            {limits.into_iter().map(|line| view! { <p class="help">{line}</p> }).collect_view()}
            {move || local_error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ActionErrorOrReauthenticate action=create/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>
                    "Create token"
                </button>
            </div>
        </form>
    }
}

#[component]
fn TokenTable(own: OwnTokens, revoke: ServerAction<RevokeOwnToken>) -> impl IntoView {
    let page = own.page;
    if page.items.is_empty() {
        return view! {
            <div class="empty-state">
                <p>"You have no personal access tokens yet. Create one above to call the API from a script."</p>
            </div>
        }
        .into_any();
    }
    let (offset, limit, total, shown) = (page.offset, page.limit, page.total, page.items.len());
    let when = |t: Option<chrono::DateTime<Utc>>, none: &'static str| {
        t.map_or_else(
            || none.to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    };
    view! {
        <h2>"Your tokens"</h2>
        <ErrorNotice error=action_error(revoke)/>
        <table class="table" data-testid="token-table">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {page
                    .items
                    .into_iter()
                    .map(|token| {
                        let id: TokenId = token.id;
                        let last_used = match (token.last_used_at, token.last_used_ip.clone()) {
                            (Some(at), Some(ip)) => format!("{} from {ip}", at.format("%Y-%m-%d %H:%M UTC")),
                            (at, _) => when(at, "Never"),
                        };
                        let status_class = match token.status {
                            TokenStatus::Active => "badge badge-ok",
                            TokenStatus::Expired | TokenStatus::Revoked => "badge badge-muted",
                        };
                        let active = token.status == TokenStatus::Active;
                        let name = token.name.clone();
                        let row_name = token.name.clone();
                        view! {
                            <tr data-token=row_name>
                                <td>{token.name}</td>
                                <td>{token.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</td>
                                <td>{when(token.expires_at, "Never")}</td>
                                <td>{last_used}</td>
                                <td><span class=status_class>{token.status.label()}</span></td>
                                <td class="actions">
                                    <Show when=move || active>
                                        <ConfirmButton
                                            label="Revoke"
                                            question=format!("Revoke {name}? Scripts using it will get 401 from their next call.")
                                            confirm_label="Revoke token"
                                            on_confirm=Callback::new(move |_| {
                                                revoke.dispatch(RevokeOwnToken { id });
                                            })
                                        />
                                    </Show>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager offset limit shown total href=tokens_href/>
    }
    .into_any()
}
