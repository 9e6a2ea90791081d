use crate::error::AppError;
use domain::dto::ResourceDetail;
use domain::ids::{CollaboratorId, ResourceId};
use leptos::prelude::*;

/// Removes one grant (the type's manage permission on the resource).
#[server(prefix = "/rpc", endpoint = "resources/remove-collaborator")]
pub async fn remove_collaborator(
    resource_id: ResourceId,
    grant: CollaboratorId,
) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .remove_collaborator(resource_id, grant)
        .await?)
}
