use crate::error::AppError;
use domain::dto::UserDetail;
use domain::ids::UserId;
use leptos::prelude::*;

/// A user's page (needs user:ListUsers).
#[server(prefix = "/rpc", endpoint = "users/get")]
pub async fn get_user(id: UserId) -> Result<UserDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_user(id).await?)
}
