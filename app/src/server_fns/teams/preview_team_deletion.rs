use crate::error::AppError;
use domain::dto::TeamDeletionImpact;
use domain::ids::TeamId;
use leptos::prelude::*;

/// What deleting a team takes away, for the confirmation (needs team:DeleteTeam).
#[server(prefix = "/rpc", endpoint = "teams/preview-deletion")]
pub async fn preview_team_deletion(id: TeamId) -> Result<TeamDeletionImpact, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().team_deletion_impact(id).await?)
}
