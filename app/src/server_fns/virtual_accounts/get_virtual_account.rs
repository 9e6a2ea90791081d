use crate::error::AppError;
use domain::dto::VirtualAccountDetail;
use domain::ids::VirtualAccountId;
use leptos::prelude::*;

/// A virtual account's page.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/get")]
pub async fn get_virtual_account(id: VirtualAccountId) -> Result<VirtualAccountDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_virtual_account(id).await?)
}
