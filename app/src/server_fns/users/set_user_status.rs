use crate::error::AppError;
use domain::dto::UserDetail;
use domain::ids::UserId;
use leptos::prelude::*;

/// Deactivates (`active = false`, ending their sessions) or activates a user
/// (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/set-status")]
pub async fn set_user_status(id: UserId, active: bool) -> Result<UserDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    let scope = request.scope();
    Ok(if active {
        scope.activate_user(id).await?
    } else {
        scope.deactivate_user(id).await?
    })
}
