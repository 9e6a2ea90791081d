use crate::error::AppError;
use domain::dto::{InviteOutcome, InviteRequest};
use leptos::prelude::*;

/// Invites users by email with a role (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "users/invite")]
pub async fn invite_users(request: InviteRequest) -> Result<InviteOutcome, AppError> {
    let context = crate::ssr::RequestContext::extract().await?;
    Ok(context.scope().invite_users(request).await?)
}
