use crate::error::AppError;
use domain::dto::{AddTeamMembersOutcome, NewTeamMembers};
use domain::ids::TeamId;
use leptos::prelude::*;

/// Adds users to a team by email (team:ManageTeam, or a manager of the team).
#[server(prefix = "/rpc", endpoint = "teams/add-members")]
pub async fn add_team_members(
    id: TeamId,
    members: NewTeamMembers,
) -> Result<AddTeamMembersOutcome, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().add_team_members(id, members).await?)
}
