use crate::components::notice::{Confirmation, ErrorMessage, ErrorNotice, action_error};
use crate::components::shell::Me;
use crate::server_fns::settings::{
    PreviewSecuritySettings, UpdateSecuritySettings, get_security_settings,
};
use domain::dto::{SecuritySettings, SecuritySettingsImpact};
use domain::permissions::Permission;
use leptos::prelude::*;
use leptos_meta::Title;

/// A limit field's text as the setting: empty for no limit, else a whole number.
fn parse_limit(field: &str, raw: &str) -> Result<Option<u32>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<u32>()
        .map(Some)
        .map_err(|_| format!("{field}: enter a whole number, or leave it empty for no limit."))
}

fn limit_text(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Settings > Security: password sign-in on or off, and limits on personal access tokens
/// (settings:ManageSettings to change).
#[component]
pub fn SecuritySettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_security_settings());
    view! {
        <Title text="Security settings"/>
        <div class="page-header">
            <h1>"Security settings"</h1>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading settings…"</p> }>
            {move || {
                settings
                    .get()
                    .map(|result| match result {
                        Ok(current) => view! { <SecurityForm current/> }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn SecurityForm(current: SecuritySettings) -> impl IntoView {
    let me = expect_context::<Me>();
    let may_edit = me.can(Permission::ManageSettings);
    let update = ServerAction::<UpdateSecuritySettings>::new();
    // Saving first asks what the settings would do to existing tokens; when they would end or
    // shorten some, the page says so and saves only once confirmed.
    let preview = ServerAction::<PreviewSecuritySettings>::new();
    let candidate = RwSignal::new(None::<SecuritySettings>);
    let confirming = RwSignal::new(None::<(SecuritySettings, SecuritySettingsImpact)>);
    Effect::new(move |_| {
        if let Some(Ok(impact)) = preview.value().get()
            && let Some(settings) = candidate.get_untracked()
        {
            candidate.set(None);
            if impact.is_empty() {
                update.dispatch(UpdateSecuritySettings { settings });
            } else {
                confirming.set(Some((settings, impact)));
            }
        }
    });
    let max_age = RwSignal::new(limit_text(current.pat_max_age_days));
    let max_active = RwSignal::new(limit_text(current.pat_max_active));
    let password_sign_in = RwSignal::new(current.password_sign_in);
    let local_error = RwSignal::new(None::<String>);
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = parse_limit("Maximum token age", &max_age.get_untracked()).and_then(|age| {
            parse_limit("Maximum active tokens", &max_active.get_untracked())
                .map(|active| (age, active))
        });
        match parsed {
            Ok((pat_max_age_days, pat_max_active)) => {
                local_error.set(None);
                confirming.set(None);
                let settings = SecuritySettings {
                    pat_max_age_days,
                    pat_max_active,
                    password_sign_in: password_sign_in.get_untracked(),
                };
                candidate.set(Some(settings));
                preview.dispatch(PreviewSecuritySettings { settings });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    view! {
        <form class="form panel" on:submit=submit aria-label="Security settings">
            <h2>"Sign-in"</h2>
            <fieldset disabled=!may_edit>
                <div class="checkbox">
                    <input
                        id="password-sign-in"
                        type="checkbox"
                        aria-describedby="password-sign-in-help"
                        prop:checked=move || password_sign_in.get()
                        on:change=move |ev| password_sign_in.set(event_target_checked(&ev))
                    />
                    <label for="password-sign-in">"Allow password sign-in"</label>
                    <p class="help" id="password-sign-in-help">
                        "Off: people sign in through an identity provider (Settings > Identity Providers; one must be enabled). Admins keep password sign-in as a break-glass way in, behind \"Administrator? Sign in with a password\" on the login page."
                    </p>
                </div>
            </fieldset>
            <h2>"Personal access tokens"</h2>
            <p class="help">
                "The maximum age applies to existing tokens too, counted from each one's creation: lowering it ends the tokens already older and moves the others' expiry. The active-token limit applies when a token is created, in the console, over the API and from the command line."
            </p>
            <fieldset disabled=!may_edit>
                <LimitField
                    id="pat-max-age"
                    label="Maximum token age (days)"
                    max=SecuritySettings::MAX_AGE_DAYS_LIMIT
                    help="Empty: tokens may be created without an expiry date."
                    value=max_age
                />
                <LimitField
                    id="pat-max-active"
                    label="Maximum active tokens per user"
                    max=SecuritySettings::MAX_ACTIVE_LIMIT
                    help="Empty: no limit. Revoked and expired tokens do not count."
                    value=max_active
                />
            </fieldset>
            {move || local_error.get().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ErrorNotice error=action_error(preview)/>
            <ErrorNotice error=action_error(update)/>
            {move || {
                confirming
                    .get()
                    .map(|(settings, impact)| {
                        view! {
                            <div class="notice notice-warning" role="alert" data-testid="settings-impact">
                                <p>{impact_sentence(impact)}</p>
                                <div class="form-actions">
                                    <button
                                        type="button"
                                        class="button button-danger"
                                        on:click=move |_| {
                                            confirming.set(None);
                                            update.dispatch(UpdateSecuritySettings { settings });
                                        }
                                    >
                                        "Save and apply to existing tokens"
                                    </button>
                                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(None)>
                                        "Cancel"
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
            <Show when=saved>
                <Confirmation>"Settings saved."</Confirmation>
            </Show>
            <Show
                when=move || may_edit
                fallback=|| view! { <p class="muted">"You need settings:ManageSettings to change these settings."</p> }
            >
                <div class="form-actions">
                    <button
                        type="submit"
                        class="button button-primary"
                        disabled=move || update.pending().get() || preview.pending().get()
                    >
                        "Save settings"
                    </button>
                </div>
            </Show>
        </form>
    }
}

/// What saving does to existing tokens, in words.
fn impact_sentence(impact: SecuritySettingsImpact) -> String {
    let mut parts = Vec::new();
    if impact.tokens_ended > 0 {
        parts.push(format!(
            "ends {} personal access token(s) now, older than the new maximum age",
            impact.tokens_ended
        ));
    }
    if impact.tokens_shortened > 0 {
        parts.push(format!(
            "moves the expiry of {} token(s) to their creation plus the maximum age",
            impact.tokens_shortened
        ));
    }
    format!(
        "Saving {}. Scripts using them will need new tokens.",
        parts.join(" and ")
    )
}

/// A whole-number limit, empty for none.
#[component]
fn LimitField(
    id: &'static str,
    label: &'static str,
    max: u32,
    help: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="number"
                min="1"
                max=max.to_string()
                inputmode="numeric"
                aria-describedby=help_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="help" id=help_id>{help}</p>
        </div>
    }
}
