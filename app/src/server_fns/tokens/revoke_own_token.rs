use crate::error::AppError;
use domain::dto::TokenRow;
use domain::ids::TokenId;
use leptos::prelude::*;

/// Revokes one of the signed-in user's personal access tokens.
#[server(prefix = "/rpc", endpoint = "tokens/revoke")]
pub async fn revoke_own_token(id: TokenId) -> Result<TokenRow, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().revoke_own_token(id).await?)
}
