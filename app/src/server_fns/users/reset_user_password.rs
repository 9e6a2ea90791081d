use crate::error::AppError;
use domain::dto::LinkDelivery;
use domain::ids::UserId;
use leptos::prelude::*;

/// Issues a set-password link for a user (mailed, or returned when mail is not configured)
/// and signs them out (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/reset-password")]
pub async fn reset_user_password(id: UserId) -> Result<LinkDelivery, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().reset_user_password(id).await?)
}
