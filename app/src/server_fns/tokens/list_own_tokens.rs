use crate::error::AppError;
use domain::dto::{OwnTokens, TokenQuery};
use leptos::prelude::*;

/// Access > Personal Access Tokens: one page of the signed-in user's tokens.
#[server(prefix = "/rpc", endpoint = "tokens/list")]
pub async fn list_own_tokens(query: TokenQuery) -> Result<OwnTokens, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_own_tokens(query).await?)
}
