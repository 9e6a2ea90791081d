use crate::error::AppError;
use domain::dto::{VirtualAccountChanges, VirtualAccountDetail};
use domain::ids::VirtualAccountId;
use leptos::prelude::*;

/// Changes a virtual account's owner team, expiry and description.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/update")]
pub async fn update_virtual_account(
    id: VirtualAccountId,
    changes: VirtualAccountChanges,
) -> Result<VirtualAccountDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().update_virtual_account(id, changes).await?)
}
