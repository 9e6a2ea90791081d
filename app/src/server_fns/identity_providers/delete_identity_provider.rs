use crate::error::AppError;
use domain::ids::IdentityProviderId;
use leptos::prelude::*;

/// Deletes a provider with its rules and linked identities; the users stay.
#[server(prefix = "/rpc", endpoint = "identity-providers/delete")]
pub async fn delete_identity_provider(id: IdentityProviderId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_identity_provider(id).await?)
}
