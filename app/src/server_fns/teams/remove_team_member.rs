use crate::error::AppError;
use domain::dto::TeamDetail;
use domain::ids::{TeamId, UserId};
use leptos::prelude::*;

/// Removes a member from a team (team:ManageTeam, or a manager of the team).
#[server(prefix = "/rpc", endpoint = "teams/remove-member")]
pub async fn remove_team_member(id: TeamId, user: UserId) -> Result<TeamDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().remove_team_member(id, user).await?)
}
