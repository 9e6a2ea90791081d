use crate::error::AppError;
use domain::dto::{IssuedToken, NewToken};
use leptos::prelude::*;

/// Creates a personal access token for the signed-in user; the answer holds its value, once.
#[server(prefix = "/rpc", endpoint = "tokens/create")]
pub async fn create_own_token(token: NewToken) -> Result<IssuedToken, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_own_token(token).await?)
}
