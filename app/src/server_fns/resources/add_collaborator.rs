use crate::error::AppError;
use domain::dto::{NewCollaborator, ResourceDetail};
use leptos::prelude::*;

/// Grants a role on a resource to a user or team (the type's manage permission on it, and no escalation).
#[server(prefix = "/rpc", endpoint = "resources/add-collaborator")]
pub async fn add_collaborator(grant: NewCollaborator) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().add_collaborator(grant).await?)
}
