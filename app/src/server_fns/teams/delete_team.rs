use crate::error::AppError;
use domain::ids::TeamId;
use leptos::prelude::*;

/// Deletes a team and its memberships (needs team:DeleteTeam).
#[server(prefix = "/rpc", endpoint = "teams/delete")]
pub async fn delete_team(id: TeamId) -> Result<(), AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().delete_team(id).await?)
}
