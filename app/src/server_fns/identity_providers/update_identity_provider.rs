use crate::error::AppError;
use domain::dto::{IdentityProviderInput, IdentityProviderView};
use domain::ids::IdentityProviderId;
use leptos::prelude::*;

/// Replaces a provider's configuration and rules; without a new client secret the stored one
/// stays (needs identity-provider:ManageIdentityProviders).
#[server(
    prefix = "/rpc",
    endpoint = "identity-providers/update",
    input = leptos::server_fn::codec::Json
)]
pub async fn update_identity_provider(
    id: IdentityProviderId,
    input: IdentityProviderInput,
) -> Result<IdentityProviderView, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().update_identity_provider(id, input).await?)
}
