use crate::components::notice::{ErrorNotice, action_error};
use crate::server_fns::auth::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// /login: password sign-in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Sign in"/>
        <main class="auth-page">
            <div class="card">
                <h1>"Sign in to Latchkey"</h1>
                <ActionForm action=action attr:class="form">
                    <input type="hidden" name="next" prop:value=next/>
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required autofocus/>
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <ErrorNotice error=action_error(action)/>
                    <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
