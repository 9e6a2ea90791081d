use crate::error::AppError;
use domain::dto::UserDetail;
use domain::ids::{RoleId, UserId};
use leptos::prelude::*;

/// Assigns a tenant role to a user (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/change-role")]
pub async fn change_user_role(id: UserId, role_id: RoleId) -> Result<UserDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().change_user_role(id, role_id).await?)
}
