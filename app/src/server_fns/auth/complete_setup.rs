use crate::error::AppError;
use leptos::prelude::*;

/// Creates the first Admin from the setup link, signs them in and opens the console.
#[server(prefix = "/rpc", endpoint = "auth/complete-setup")]
pub async fn complete_setup(
    token: String,
    email: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{RequestContext, start_session};
    use domain::dto::SetupForm;
    let request = RequestContext::extract().await?;
    let form = SetupForm {
        token,
        email,
        display_name,
        password,
        password_confirm,
    };
    let signed_in = request.services.auth().complete_setup(form).await?;
    start_session(&request.session, signed_in.user_id).await?;
    leptos_axum::redirect("/access/users");
    Ok(())
}
