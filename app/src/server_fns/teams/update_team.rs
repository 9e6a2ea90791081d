use crate::error::AppError;
use domain::dto::{TeamChanges, TeamDetail};
use domain::ids::TeamId;
use leptos::prelude::*;

/// Edits a team's description and tenant role (needs team:ManageTeam).
#[server(prefix = "/rpc", endpoint = "teams/update")]
pub async fn update_team(id: TeamId, changes: TeamChanges) -> Result<TeamDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().update_team(id, changes).await?)
}
