use crate::error::AppError;
use leptos::prelude::*;

/// Sets a password through a one-time link, signs the user in and opens the console.
#[server(prefix = "/rpc", endpoint = "auth/set-password")]
pub async fn set_password(
    token: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    use crate::ssr::{RequestContext, start_session};
    let request = RequestContext::extract().await?;
    let signed_in = request
        .services
        .auth()
        .set_password_with_link(&token, &password, &password_confirm)
        .await?;
    start_session(&request.session, signed_in.user_id).await?;
    leptos_axum::redirect("/");
    Ok(())
}
