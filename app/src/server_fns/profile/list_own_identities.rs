use crate::error::AppError;
use domain::dto::OwnIdentities;
use leptos::prelude::*;

/// The signed-in user's single sign-on identities and the providers they may link.
#[server(prefix = "/rpc", endpoint = "profile/identities")]
pub async fn list_own_identities() -> Result<OwnIdentities, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().own_identities().await?)
}
