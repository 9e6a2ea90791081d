use crate::error::AppError;
use domain::dto::{NewTeam, TeamDetail};
use leptos::prelude::*;

/// Creates a team (needs team:CreateTeam).
#[server(prefix = "/rpc", endpoint = "teams/create")]
pub async fn create_team(team: NewTeam) -> Result<TeamDetail, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().create_team(team).await?)
}
