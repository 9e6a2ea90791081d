use crate::error::AppError;
use domain::dto::{RoleChanges, RoleSummary};
use domain::ids::RoleId;
use leptos::prelude::*;

/// Edits a role's display name, description and permissions (needs role:ManageRoles).
#[server(prefix = "/rpc", endpoint = "roles/update")]
pub async fn update_role(id: RoleId, changes: RoleChanges) -> Result<RoleSummary, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().update_role(id, changes).await?)
}
