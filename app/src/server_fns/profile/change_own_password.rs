use crate::error::AppError;
use leptos::prelude::*;

/// Changes the signed-in user's password (the current one is required).
#[server(prefix = "/rpc", endpoint = "profile/password")]
pub async fn change_own_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .change_own_password(&current_password, &password, &password_confirm)
        .await?)
}
