use domain::validation::{PASSWORD_MAX, PASSWORD_MIN};
use leptos::prelude::*;

/// The "new password, twice" pair of a form: fields named `password` and `password_confirm`,
/// as the server functions that take a new password expect.
#[component]
pub fn NewPasswordFields(
    /// "Password" or "New password"; the second field adds ", again".
    label: &'static str,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="password">{label}</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                minlength=PASSWORD_MIN.to_string()
                maxlength=PASSWORD_MAX.to_string()
                required
                autofocus=autofocus
                aria-describedby="password-help"
            />
            <p class="help" id="password-help">{format!("{PASSWORD_MIN} to {PASSWORD_MAX} characters.")}</p>
        </div>
        <div class="field">
            <label for="password_confirm">{format!("{label}, again")}</label>
            <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required/>
        </div>
    }
}
