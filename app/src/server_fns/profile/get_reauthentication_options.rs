use crate::error::AppError;
use domain::dto::ReauthenticationOptions;
use leptos::prelude::*;

/// How the signed-in user can confirm who they are (password, or a provider they linked).
#[server(prefix = "/rpc", endpoint = "profile/reauthentication-options")]
pub async fn get_reauthentication_options() -> Result<ReauthenticationOptions, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().reauthentication_options().await?)
}
