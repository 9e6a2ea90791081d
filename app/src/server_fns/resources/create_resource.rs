use crate::error::AppError;
use domain::dto::{NewResource, ResourceDetail};
use leptos::prelude::*;

/// Records a resource (the type's create permission); the creator becomes its owner collaborator.
#[server(prefix = "/rpc", endpoint = "resources/create")]
pub async fn create_resource(resource: NewResource) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_resource(resource).await?)
}
