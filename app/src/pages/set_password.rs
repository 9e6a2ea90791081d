use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::password_fields::NewPasswordFields;
use crate::server_fns::auth::{SetPassword, get_password_link_status};
use domain::dto::PasswordLinkStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// /set-password?token=...: choose a password through a one-time link.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, get_password_link_status);
    view! {
        <Title text="Set your password"/>
        <main class="auth-page">
            <div class="card">
                <Suspense fallback=|| view! { <p class="muted">"Checking the link…"</p> }>
                    {move || {
                        status
                            .get()
                            .map(|result| match result {
                                Ok(PasswordLinkStatus::Open { email }) => {
                                    view! { <SetPasswordForm token=token() email/> }.into_any()
                                }
                                Ok(PasswordLinkStatus::Invalid) => {
                                    view! {
                                        <h1>"This link does not work"</h1>
                                        <p>"It is invalid, expired or already used. Ask an administrator for a new one."</p>
                                        <p><a href="/login">"Go to sign in"</a></p>
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
fn SetPasswordForm(token: String, email: String) -> impl IntoView {
    let action = ServerAction::<SetPassword>::new();
    view! {
        <h1>"Set your password"</h1>
        <p class="muted">{format!("For {email}.")}</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <input type="hidden" name="username" autocomplete="username" value=email/>
            <NewPasswordFields label="New password" autofocus=true/>
            <ErrorNotice error=action_error(action)/>
            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                "Set password and sign in"
            </button>
        </ActionForm>
    }
}
