use crate::error::AppError;
use domain::dto::ResourceSummary;
use domain::resources::ResourceType;
use leptos::prelude::*;

/// Resources: the ones the signed-in user may read, optionally of one type.
#[server(prefix = "/rpc", endpoint = "resources/list")]
pub async fn list_resources(
    resource_type: Option<ResourceType>,
) -> Result<Vec<ResourceSummary>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_resources(resource_type).await?)
}
