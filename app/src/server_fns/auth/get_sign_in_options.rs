use crate::error::AppError;
use domain::dto::SignInOptions;
use leptos::prelude::*;

/// What the login page offers: a button per enabled identity provider, and the password form
/// unless it is turned off.
#[server(prefix = "/rpc", endpoint = "auth/sign-in-options")]
pub async fn get_sign_in_options() -> Result<SignInOptions, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.services.auth().sign_in_options().await?)
}
