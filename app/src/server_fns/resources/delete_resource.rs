use crate::error::AppError;
use domain::ids::ResourceId;
use leptos::prelude::*;

/// Deletes a resource and its grants (the type's delete permission on it).
#[server(prefix = "/rpc", endpoint = "resources/delete")]
pub async fn delete_resource(id: ResourceId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_resource(id).await?)
}
