use crate::error::AppError;
use domain::dto::IdentityProviderView;
use domain::ids::IdentityProviderId;
use leptos::prelude::*;

/// One provider's configuration; its client secret only as "set".
#[server(prefix = "/rpc", endpoint = "identity-providers/get")]
pub async fn get_identity_provider(
    id: IdentityProviderId,
) -> Result<IdentityProviderView, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_identity_provider(id).await?)
}
