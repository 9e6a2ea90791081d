use crate::error::AppError;
use domain::dto::{Page, UserQuery, UserRow};
use leptos::prelude::*;

/// Access > Users: one page of the tenant's users (needs user:ListUsers).
#[server(prefix = "/rpc", endpoint = "users/list")]
pub async fn list_users(query: UserQuery) -> Result<Page<UserRow>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_users(query).await?)
}
