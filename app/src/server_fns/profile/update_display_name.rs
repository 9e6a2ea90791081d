use crate::error::AppError;
use domain::dto::CurrentUser;
use leptos::prelude::*;

/// Changes the signed-in user's display name.
#[server(prefix = "/rpc", endpoint = "profile/display-name")]
pub async fn update_display_name(display_name: String) -> Result<CurrentUser, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .update_own_display_name(&display_name)
        .await?)
}
