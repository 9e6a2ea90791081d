use crate::components::notice::{ErrorMessage, ErrorNotice, action_error, focus_when_shown};
use crate::server_fns::auth::{RequestPasswordReset, get_sign_in_options};
use leptos::html::H1;
use leptos::prelude::*;
use leptos_meta::Title;

/// /forgot-password: asks for an address and mails it a reset link, when the server sends
/// mail. The page says the same whatever the address, as the server does.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_sign_in_options());
    view! {
        <Title text="Reset your password"/>
        <main class="auth-page">
            <div class="card">
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || {
                        options
                            .get()
                            .map(|loaded| match loaded {
                                Ok(options) if options.password_reset => {
                                    view! { <ResetRequestForm/> }.into_any()
                                }
                                Ok(_) => {
                                    view! {
                                        <h1>"Reset your password"</h1>
                                        <p>
                                            "This server sends no mail, so it cannot mail you a reset link. Ask an administrator of your organization to reset your password: they can give you a link to set a new one."
                                        </p>
                                        <p><a href="/login">"Back to sign in"</a></p>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                            })
                    }}
                </Suspense>
            </div>
        </main>
    }
}

#[component]
fn ResetRequestForm() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    // The confirmation takes the focus, so a screen reader reads it and the keyboard starts
    // from it.
    let confirmation = NodeRef::<H1>::new();
    focus_when_shown(confirmation);
    let last_email = RwSignal::new(String::new());
    view! {
        <Show
            when=move || action.value().get().is_some_and(|result| result.is_ok())
            fallback=move || {
                view! {
                    <h1>"Reset your password"</h1>
                    <p class="muted">
                        "Enter the address you sign in with. If it belongs to an account that signs in with a password, we mail it a link to choose a new one."
                    </p>
                    <ActionForm action=action attr:class="form">
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input
                                id="email"
                                name="email"
                                type="email"
                                autocomplete="username"
                                required
                                autofocus
                                prop:value=move || last_email.get()
                                on:input=move |ev| last_email.set(event_target_value(&ev))
                            />
                        </div>
                        <ErrorNotice error=action_error(action)/>
                        <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Sending…" } else { "Mail me a link" }}
                        </button>
                    </ActionForm>
                    <p class="small"><a href="/login">"Back to sign in"</a></p>
                }
            }
        >
            <h1 tabindex="-1" node_ref=confirmation>"Check your mail"</h1>
            <p role="status" data-testid="reset-requested">
                {move || {
                    format!(
                        "If {} belongs to an account here that signs in with a password, a link to choose a new password is on its way. It works once, within an hour.",
                        last_email.get().trim(),
                    )
                }}
            </p>
            <p class="muted small">"Nothing arrived? Check the address and your spam folder, then ask again in a few minutes, or ask an administrator."</p>
            <p><a href="/login">"Back to sign in"</a></p>
        </Show>
    }
}
