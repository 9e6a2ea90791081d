use crate::error::AppError;
use domain::dto::SecuritySettings;
use leptos::prelude::*;

/// Settings > Security (needs settings:ListSettings).
#[server(prefix = "/rpc", endpoint = "settings/security")]
pub async fn get_security_settings() -> Result<SecuritySettings, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().security_settings().await?)
}
