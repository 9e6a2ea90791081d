use crate::components::notice::{ErrorMessage, ErrorNotice, action_error};
use crate::components::password_fields::NewPasswordFields;
use crate::server_fns::auth::{CompleteSetup, get_setup_status};
use domain::dto::SetupStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// /setup?token=...: creates the first Admin, once.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let status = Resource::new(token, get_setup_status);
    view! {
        <Title text="Set up Latchkey"/>
        <main class="auth-page">
            <div class="card">
                <Suspense fallback=|| view! { <p class="muted">"Checking the setup link…"</p> }>
                    {move || {
                        status
                            .get()
                            .map(|result| match result {
                                Ok(SetupStatus::Open) => view! { <SetupForm token=token()/> }.into_any(),
                                Ok(SetupStatus::Completed) => {
                                    view! {
                                        <h1>"Setup is complete"</h1>
                                        <p>"The first admin already exists, so this setup link no longer works."</p>
                                        <p><a class="button button-primary" href="/login">"Sign in"</a></p>
                                    }
                                        .into_any()
                                }
                                Ok(SetupStatus::InvalidLink) => {
                                    view! {
                                        <h1>"This setup link is not valid"</h1>
                                        <p>
                                            "It may be mistyped, or replaced by a newer link: the server logs a fresh link at every start until the first admin exists."
                                        </p>
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
fn SetupForm(token: String) -> impl IntoView {
    let action = ServerAction::<CompleteSetup>::new();
    view! {
        <h1>"Create the first admin"</h1>
        <p class="muted">"This account gets the Admin role: full control over the tenant."</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <div class="field">
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
            </div>
            <div class="field">
                <label for="display_name">"Display name"</label>
                <input id="display_name" name="display_name" type="text" autocomplete="name" maxlength="100" required/>
            </div>
            <NewPasswordFields label="Password"/>
            <ErrorNotice error=action_error(action)/>
            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                "Create admin and sign in"
            </button>
        </ActionForm>
    }
}
