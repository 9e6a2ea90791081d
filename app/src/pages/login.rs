use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::pager::encode_query_value;
use crate::server_fns::auth::{SignIn, get_sign_in_options};
use domain::dto::{SignInOptions, SsoFailure};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// /login: a button per enabled identity provider, and password sign-in unless the tenant
/// turned it off (then only behind "Administrator sign-in", the Admins' break-glass way in).
/// A single sign-on that failed comes back here with `?sso_error=<reason>`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_sign_in_options());
    let query = use_query_map();
    let sso_error = move || {
        query
            .read()
            .get("sso_error")
            .map(|key| SsoFailure::parse(&key).unwrap_or(SsoFailure::ProviderError))
    };
    view! {
        <Title text="Sign in"/>
        <main class="auth-page">
            <div class="card">
                <h1>"Sign in to Latchkey"</h1>
                {move || {
                    sso_error()
                        .map(|failure| {
                            view! {
                                <p class="notice notice-error" role="alert" data-sso-error=failure.key()>
                                    {failure.message()}
                                </p>
                            }
                        })
                }}
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || {
                        options
                            .get()
                            .map(|loaded| match loaded {
                                Ok(options) => view! { <SignInChoices options/> }.into_any(),
                                // Password sign-in still works when the options cannot load.
                                Err(e) => {
                                    view! {
                                        <ErrorMessage error=e/>
                                        <PasswordForm password_reset=false/>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Transition>
            </div>
        </main>
    }
}

#[component]
fn SignInChoices(options: SignInOptions) -> impl IntoView {
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    let break_glass = query.read_untracked().get("password").is_some();
    let has_providers = !options.providers.is_empty();
    let show_password = options.password_sign_in || break_glass;
    let break_glass_href = if next.is_empty() {
        "/login?password=1".to_string()
    } else {
        format!("/login?password=1&next={}", encode_query_value(&next))
    };
    let buttons = options
        .providers
        .into_iter()
        .map(|provider| {
            let mut href = format!("/auth/sso/{}/start", provider.slug);
            if !next.is_empty() {
                href.push_str(&format!("?next={}", encode_query_value(&next)));
            }
            view! {
                <li>
                    // A full page load: the server sends the browser on to the provider.
                    <a class="button button-secondary sso-button" href=href rel="external">
                        {format!("Sign in with {}", provider.display_name)}
                    </a>
                </li>
            }
        })
        .collect_view();
    // The options are fixed for this page load, so plain branches serve.
    view! {
        {has_providers.then(|| view! { <ul class="sso-buttons" aria-label="Single sign-on">{buttons}</ul> })}
        {(has_providers && show_password)
            .then(|| view! { <p class="divider">"or with your password"</p> })}
        {if show_password {
            view! { <PasswordForm password_reset=options.password_reset/> }.into_any()
        } else {
            view! {
                <p class="muted small">
                    "Administrator? "
                    // A full page load: this page reads its query once.
                    <a href=break_glass_href rel="external">"Sign in with a password"</a>
                    " (for when single sign-on is down)."
                </p>
            }
                .into_any()
        }}
    }
}

/// The email and password form; with `password_reset`, a "Forgot password?" link under it.
#[component]
fn PasswordForm(password_reset: bool) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="next" prop:value=next/>
            <div class="field">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
            </div>
            <ErrorNotice error=action_error(action)/>
            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </ActionForm>
        {password_reset
            .then(|| view! { <p class="small forgot-password"><a href="/forgot-password">"Forgot password?"</a></p> })}
    }
}
