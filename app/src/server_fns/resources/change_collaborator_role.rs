use crate::error::AppError;
use domain::dto::ResourceDetail;
use domain::ids::{CollaboratorId, ResourceId, RoleId};
use leptos::prelude::*;

/// Changes the role of one grant (same rules as adding it).
#[server(prefix = "/rpc", endpoint = "resources/change-collaborator-role")]
pub async fn change_collaborator_role(
    resource_id: ResourceId,
    grant: CollaboratorId,
    role_id: RoleId,
) -> Result<ResourceDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .change_collaborator_role(resource_id, grant, role_id)
        .await?)
}
