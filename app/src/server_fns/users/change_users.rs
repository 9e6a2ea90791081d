use crate::error::AppError;
use domain::dto::{BulkUserChange, BulkUserOutcome};
use leptos::prelude::*;

/// One change to several users at once, all or nothing (the Users list's bulk actions).
#[server(prefix = "/rpc", endpoint = "users/change-many")]
pub async fn change_users(change: BulkUserChange) -> Result<BulkUserOutcome, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().change_users(change).await?)
}
