use crate::error::AppError;
use domain::dto::{SecuritySettings, SecuritySettingsImpact};
use leptos::prelude::*;

/// What saving `settings` would do to the personal access tokens that exist (nothing is
/// changed). Sent as JSON, like `update_security_settings`.
#[server(
    prefix = "/rpc",
    endpoint = "settings/security/preview",
    input = leptos::server_fn::codec::Json
)]
pub async fn preview_security_settings(
    settings: SecuritySettings,
) -> Result<SecuritySettingsImpact, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().security_settings_impact(settings).await?)
}
