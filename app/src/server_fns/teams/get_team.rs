use crate::error::AppError;
use domain::dto::TeamDetail;
use domain::ids::TeamId;
use leptos::prelude::*;

/// A team with its members (team:ReadTeam, or a manager of the team).
#[server(prefix = "/rpc", endpoint = "teams/get")]
pub async fn get_team(id: TeamId) -> Result<TeamDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().get_team(id).await?)
}
