use crate::error::AppError;
use domain::ids::UserId;
use leptos::prelude::*;

/// Deletes a user (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/delete")]
pub async fn delete_user(id: UserId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_user(id).await?)
}
