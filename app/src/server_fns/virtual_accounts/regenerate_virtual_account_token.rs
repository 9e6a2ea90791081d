use crate::error::AppError;
use domain::dto::RegeneratedToken;
use domain::ids::VirtualAccountId;
use leptos::prelude::*;

/// A new token; the previous one keeps working for `grace_period_days`.
#[server(prefix = "/rpc", endpoint = "virtual-accounts/regenerate-token")]
pub async fn regenerate_virtual_account_token(
    id: VirtualAccountId,
    grace_period_days: u32,
) -> Result<RegeneratedToken, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request
        .scope()
        .regenerate_virtual_account_token(id, domain::dto::GracePeriod::days(grace_period_days))
        .await?)
}
