use crate::error::AppError;
use domain::ids::VirtualAccountId;
use leptos::prelude::*;

/// The account's current token (virtual-account:ManageVirtualAccount).
#[server(prefix = "/rpc", endpoint = "virtual-accounts/token")]
pub async fn reveal_virtual_account_token(id: VirtualAccountId) -> Result<String, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().virtual_account_token(id).await?)
}
