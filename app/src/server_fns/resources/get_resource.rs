use crate::error::AppError;
use domain::dto::ResourceDetail;
use domain::ids::ResourceId;
use leptos::prelude::*;

/// A resource with its collaborators (the type's read permission on it).
#[server(prefix = "/rpc", endpoint = "resources/get")]
pub async fn get_resource(id: ResourceId) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_resource(id).await?)
}
