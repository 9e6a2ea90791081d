use crate::components::notice::{ErrorNotice, action_error};
use crate::components::password_fields::NewPasswordFields;
use crate::components::shell::Me;
use crate::server_fns::profile::{ChangeOwnPassword, UpdateDisplayName};
use leptos::prelude::*;
use leptos_meta::Title;

/// /profile: your display name and password.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = expect_context::<Me>();
    let rename = ServerAction::<UpdateDisplayName>::new();
    let password = ServerAction::<ChangeOwnPassword>::new();
    let current_name = move || me.user().map(|u| u.display_name).unwrap_or_default();
    let renamed = move || {
        rename
            .value()
            .get()
            .and_then(Result::ok)
            .map(|u| u.display_name)
    };
    let password_changed = move || matches!(password.value().get(), Some(Ok(())));
    view! {
        <Title text="Profile"/>
        <h1>"Profile"</h1>
        <section class="panel">
            <h2>"Display name"</h2>
            <ActionForm action=rename attr:class="form narrow">
                <div class="field">
                    <label for="display_name">"Display name"</label>
                    <input
                        id="display_name"
                        name="display_name"
                        type="text"
                        maxlength="100"
                        required
                        prop:value=move || renamed().unwrap_or_else(current_name)
                    />
                </div>
                <ErrorNotice error=action_error(rename)/>
                <Show when=move || renamed().is_some()>
                    <p class="notice" role="status">"Display name saved."</p>
                </Show>
                <button type="submit" class="button button-primary">"Save name"</button>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>"Password"</h2>
            <ActionForm action=password attr:class="form narrow">
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required/>
                </div>
                <NewPasswordFields label="New password"/>
                <ErrorNotice error=action_error(password)/>
                <Show when=password_changed>
                    <p class="notice" role="status">"Password changed."</p>
                </Show>
                <button type="submit" class="button button-primary">"Change password"</button>
            </ActionForm>
        </section>
    }
}
