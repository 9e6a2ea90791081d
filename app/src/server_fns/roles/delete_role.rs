use crate::error::AppError;
use domain::ids::RoleId;
use leptos::prelude::*;

/// Deletes a custom role nobody holds (needs role:ManageRoles).
#[server(prefix = "/rpc", endpoint = "roles/delete")]
pub async fn delete_role(id: RoleId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_role(id).await?)
}
