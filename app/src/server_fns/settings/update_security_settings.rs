use crate::error::AppError;
use domain::dto::SecuritySettings;
use leptos::prelude::*;

/// Changes the limits on personal access tokens (needs settings:ManageSettings). Sent as JSON:
/// the URL-encoded form of settings that are all empty ("no limits") would carry no field.
#[server(
    prefix = "/rpc",
    endpoint = "settings/security/update",
    input = leptos::server_fn::codec::Json
)]
pub async fn update_security_settings(
    settings: SecuritySettings,
) -> Result<SecuritySettings, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().update_security_settings(settings).await?)
}
