use crate::error::AppError;
use leptos::prelude::*;

/// "Forgot password?": mails a reset link to the address when it belongs to an account that
/// signs in with a password. The answer is the same either way.
#[server(prefix = "/rpc", endpoint = "auth/request-password-reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .services
        .auth()
        .request_password_reset(&email, &request.client_address)
        .await?)
}
