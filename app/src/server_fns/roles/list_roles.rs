use crate::error::AppError;
use domain::dto::RoleSummary;
use leptos::prelude::*;

/// Access > Roles: the tenant's roles (needs role:ListRoles).
#[server(prefix = "/rpc", endpoint = "roles/list")]
pub async fn list_roles() -> Result<Vec<RoleSummary>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_roles().await?)
}
