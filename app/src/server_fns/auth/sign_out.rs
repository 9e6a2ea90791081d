use crate::error::AppError;
use leptos::prelude::*;

/// Ends the session (its record is deleted) and goes to the sign-in page.
#[server(prefix = "/rpc", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{RequestContext, end_session};
    let request = RequestContext::extract().await?;
    end_session(&request.session).await?;
    leptos_axum::redirect("/login");
    Ok(())
}
