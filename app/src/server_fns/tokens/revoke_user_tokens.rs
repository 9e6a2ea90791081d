use crate::error::AppError;
use domain::ids::UserId;
use leptos::prelude::*;

/// Revokes every personal access token of a user (needs user:ManageUsers); answers how many.
#[server(prefix = "/rpc", endpoint = "users/revoke-tokens")]
pub async fn revoke_user_tokens(id: UserId) -> Result<u64, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .revoke_user_tokens(domain::dto::UserKey::Id(id))
        .await?)
}
