use crate::error::AppError;
use domain::dto::{CollaboratorQuery, ResourceDetail};
use domain::ids::ResourceId;
use leptos::prelude::*;

/// A resource with one page of its collaborators (the type's read permission on it).
#[server(prefix = "/rpc", endpoint = "resources/get")]
pub async fn get_resource(
    id: ResourceId,
    collaborators: CollaboratorQuery,
) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_resource_with(id, collaborators).await?)
}
