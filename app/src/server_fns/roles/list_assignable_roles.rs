use crate::error::AppError;
use domain::dto::AssignableRole;
use leptos::prelude::*;

/// The roles the signed-in user may hand out when inviting or changing a user's role, each
/// with the reason it is unavailable, if it is (needs user:ManageUsers).
#[server(prefix = "/rpc", endpoint = "roles/assignable")]
pub async fn list_assignable_roles() -> Result<Vec<AssignableRole>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().assignable_roles().await?)
}
