use crate::error::AppError;
use domain::dto::SetupStatus;
use leptos::prelude::*;

/// Whether a setup link still opens the first-admin form.
#[server(prefix = "/rpc", endpoint = "auth/setup-status")]
pub async fn get_setup_status(token: String) -> Result<SetupStatus, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.services.auth().setup_status(&token).await?)
}
