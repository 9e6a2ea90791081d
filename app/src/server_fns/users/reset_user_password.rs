use crate::error::AppError;
use domain::dto::PasswordLink;
use domain::ids::UserId;
use leptos::prelude::*;

/// Issues a set-password link for a user and signs them out (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/reset-password")]
pub async fn reset_user_password(id: UserId) -> Result<PasswordLink, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().reset_user_password(id).await?)
}
