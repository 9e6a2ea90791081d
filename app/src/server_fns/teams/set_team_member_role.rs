use crate::error::AppError;
use domain::dto::{TeamDetail, TeamMemberRole};
use domain::ids::{TeamId, UserId};
use leptos::prelude::*;

/// Makes a member a manager or a plain member (team:ManageTeam, or a manager of the team).
#[server(prefix = "/rpc", endpoint = "teams/set-member-role")]
pub async fn set_team_member_role(
    id: TeamId,
    user: UserId,
    role: TeamMemberRole,
) -> Result<TeamDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().set_team_member_role(id, user, role).await?)
}
