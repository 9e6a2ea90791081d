use crate::error::AppError;
use domain::ids::VirtualAccountId;
use leptos::prelude::*;

/// Deletes a virtual account with its tokens and grants.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/delete")]
pub async fn delete_virtual_account(id: VirtualAccountId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_virtual_account(id).await?)
}
