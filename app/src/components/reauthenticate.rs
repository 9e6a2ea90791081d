//! Confirming who you are before a session hands out a credential (a token's value): the
//! server answers `AppError::ReauthenticationRequired` once the sign-in is older than
//! `domain::REAUTHENTICATE_AFTER`, and the page asks here, then runs the action again.

use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::pager::encode_query_value;
use crate::error::AppError;
use crate::server_fns::profile::{Reauthenticate, get_reauthentication_options};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

/// The error of `action`'s last run, as `ErrorNotice` shows it; when the action needs a
/// recent sign-in, the prompt instead, which runs the action again with the same input once
/// the password is confirmed.
#[component]
pub fn ActionErrorOrReauthenticate<I, O>(action: ServerAction<I>) -> impl IntoView
where
    I: ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    // The action forgets its input when it completes; the retry needs it.
    let last_input = RwSignal::new(None::<I>);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            last_input.set(Some(input));
        }
    });
    let retry = Callback::new(move |()| {
        if let Some(input) = last_input.get_untracked() {
            action.dispatch(input);
        }
    });
    move || match action.value().get() {
        Some(Err(AppError::ReauthenticationRequired(message))) => {
            view! { <ReauthenticatePrompt message on_confirmed=retry/> }.into_any()
        }
        Some(Err(error)) => view! { <ErrorMessage error/> }.into_any(),
        _ => ().into_any(),
    }
}

/// "Confirm it is you": the password field when the user may use one, and a button per
/// provider they linked, which signs in again and comes back to this page.
#[component]
fn ReauthenticatePrompt(message: String, on_confirmed: Callback<()>) -> impl IntoView {
    let options = Resource::new(|| (), |()| get_reauthentication_options());
    let confirm = ServerAction::<Reauthenticate>::new();
    let password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            password.set(String::new());
            on_confirmed.run(());
        }
    });
    let location = use_location();
    let here = move || format!("{}{}", location.pathname.get(), location.search.get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(Reauthenticate {
            password: password.get_untracked(),
        });
    };
    view! {
        <section class="panel panel-warning" aria-labelledby="reauth-title" data-testid="reauthenticate">
            <h2 id="reauth-title">"Confirm it is you"</h2>
            <p role="alert">{message}</p>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    options
                        .get()
                        .map(|result| match result {
                            Err(error) => view! { <ErrorMessage error/> }.into_any(),
                            Ok(options) => {
                                let nothing = !options.password && options.providers.is_empty();
                                let providers = options
                                    .providers
                                    .into_iter()
                                    .map(|provider| {
                                        let href = move || {
                                            format!(
                                                "/auth/sso/{}/start?next={}",
                                                provider.slug,
                                                encode_query_value(&here()),
                                            )
                                        };
                                        let label = format!("Sign in again with {}", provider.display_name);
                                        view! { <a class="button button-secondary" href=href rel="external">{label}</a> }
                                    })
                                    .collect_view();
                                view! {
                                    <Show when=move || options.password>
                                        <form class="form" on:submit=submit>
                                            <div class="field">
                                                <label for="reauth-password">"Your password"</label>
                                                <input
                                                    id="reauth-password"
                                                    name="password"
                                                    type="password"
                                                    autocomplete="current-password"
                                                    required
                                                    autofocus
                                                    prop:value=move || password.get()
                                                    on:input=move |ev| password.set(event_target_value(&ev))
                                                />
                                            </div>
                                            <ErrorNotice error=action_error(confirm)/>
                                            <div class="form-actions">
                                                <button type="submit" class="button button-primary" disabled=move || confirm.pending().get()>
                                                    "Confirm and continue"
                                                </button>
                                            </div>
                                        </form>
                                    </Show>
                                    <div class="form-actions">{providers}</div>
                                    <Show when=move || nothing>
                                        <p>"You have no password here and no linked identity provider to sign in with again. Sign out and sign in again."</p>
                                    </Show>
                                }
                                .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}
