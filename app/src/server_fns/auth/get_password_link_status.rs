use crate::error::AppError;
use domain::dto::PasswordLinkStatus;
use leptos::prelude::*;

/// Whether a set-password link still works, and for which address.
#[server(prefix = "/rpc", endpoint = "auth/password-link-status")]
pub async fn get_password_link_status(token: String) -> Result<PasswordLinkStatus, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.services.auth().password_link_status(&token).await?)
}
