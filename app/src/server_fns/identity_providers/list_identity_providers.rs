use crate::error::AppError;
use domain::dto::IdentityProviderView;
use leptos::prelude::*;

/// Settings > Identity Providers (needs identity-provider:ListIdentityProviders).
#[server(prefix = "/rpc", endpoint = "identity-providers/list")]
pub async fn list_identity_providers() -> Result<Vec<IdentityProviderView>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_identity_providers().await?)
}
