use crate::error::AppError;
use leptos::prelude::*;

/// Changes the signed-in user's password (the current one is required) and signs out every
/// other session.
#[server(prefix = "/rpc", endpoint = "profile/password")]
pub async fn change_own_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    request
        .scope()
        .change_own_password(&current_password, &password, &password_confirm)
        .await?;
    // The change ended every session of the user, this one too: a new id keeps this browser
    // signed in (the record is created again with the same data when the response is sent).
    request.session.cycle_id().await.map_err(|e| {
        tracing::error!(error = %e, "could not renew the session after a password change");
        AppError::Internal
    })?;
    // The current password was just proven.
    crate::ssr::mark_authenticated(&request.session).await
}
