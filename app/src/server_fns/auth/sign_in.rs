use crate::error::AppError;
use leptos::prelude::*;

/// Password sign-in. On success the session is started under a new id and the browser goes to
/// `next` (a local path) or Access > Users.
#[server(prefix = "/rpc", endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{RequestContext, local_redirect_target, start_session};
    let request = RequestContext::extract().await?;
    let signed_in = request
        .services
        .auth()
        .sign_in_with_password(&email, &password, &request.client_address)
        .await?;
    start_session(&request.session, signed_in.user_id).await?;
    leptos_axum::redirect(&local_redirect_target(next.as_deref()));
    Ok(())
}
