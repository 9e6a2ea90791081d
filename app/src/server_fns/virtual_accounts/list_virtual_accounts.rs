use crate::error::AppError;
use domain::dto::{Page, VirtualAccountQuery, VirtualAccountSummary};
use leptos::prelude::*;

/// Access > Virtual Accounts: one page of the accounts the user may see.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/list")]
pub async fn list_virtual_accounts(
    query: VirtualAccountQuery,
) -> Result<Page<VirtualAccountSummary>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_virtual_accounts(query).await?)
}
