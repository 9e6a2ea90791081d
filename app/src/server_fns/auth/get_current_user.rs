use crate::error::AppError;
use domain::dto::CurrentUser;
use leptos::prelude::*;

/// The signed-in user for the console shell.
#[server(prefix = "/rpc", endpoint = "auth/current-user")]
pub async fn get_current_user() -> Result<CurrentUser, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().current_user().await?)
}
