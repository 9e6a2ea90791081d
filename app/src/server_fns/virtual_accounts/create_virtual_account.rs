use crate::error::AppError;
use domain::dto::{CreatedVirtualAccount, NewVirtualAccount};
use leptos::prelude::*;

/// Creates a virtual account for a team, with its first token.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/create")]
pub async fn create_virtual_account(
    account: NewVirtualAccount,
) -> Result<CreatedVirtualAccount, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_virtual_account(account).await?)
}
