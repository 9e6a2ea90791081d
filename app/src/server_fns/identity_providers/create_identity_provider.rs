use crate::error::AppError;
use domain::dto::{IdentityProviderInput, IdentityProviderView};
use leptos::prelude::*;

/// Adds a provider (needs identity-provider:ManageIdentityProviders). Sent as JSON: its rules
/// are lists of pairs.
#[server(
    prefix = "/rpc",
    endpoint = "identity-providers/create",
    input = leptos::server_fn::codec::Json
)]
pub async fn create_identity_provider(
    input: IdentityProviderInput,
) -> Result<IdentityProviderView, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_identity_provider(input).await?)
}
