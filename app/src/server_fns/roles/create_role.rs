use crate::error::AppError;
use domain::dto::{NewRole, RoleSummary};
use leptos::prelude::*;

/// Creates a custom role (needs role:ManageRoles; no permissions the caller lacks).
#[server(prefix = "/rpc", endpoint = "roles/create")]
pub async fn create_role(input: NewRole) -> Result<RoleSummary, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_role(input).await?)
}
