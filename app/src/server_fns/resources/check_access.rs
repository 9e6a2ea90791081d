use crate::error::AppError;
use domain::dto::{AccessAnswer, AccessQuestion};
use leptos::prelude::*;

/// Why does this subject have access? Allowed or denied, with every path that grants it.
#[server(prefix = "/rpc", endpoint = "resources/check-access")]
pub async fn check_access(question: AccessQuestion) -> Result<AccessAnswer, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().check_access(question).await?)
}
