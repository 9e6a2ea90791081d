use crate::error::AppError;
use leptos::prelude::*;

/// Confirms the signed-in user's password, so that this session may hand out tokens again
/// for a while (`domain::REAUTHENTICATE_AFTER`).
#[server(prefix = "/rpc", endpoint = "profile/reauthenticate")]
pub async fn reauthenticate(password: String) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    request
        .scope()
        .reauthenticate_with_password(&password)
        .await?;
    crate::ssr::mark_authenticated(&request.session).await
}
