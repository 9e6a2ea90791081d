use crate::error::AppError;
use domain::dto::ConnectionTest;
use leptos::prelude::*;

/// "Test connection": reads the discovery document at `issuer_url` and reports what it found
/// (needs identity-provider:ManageIdentityProviders).
#[server(prefix = "/rpc", endpoint = "identity-providers/test")]
pub async fn test_identity_provider(issuer_url: String) -> Result<ConnectionTest, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().test_identity_provider(&issuer_url).await?)
}
