use crate::error::AppError;
use domain::dto::{Page, TeamQuery, TeamSummary};
use leptos::prelude::*;

/// Access > Teams: one page of the tenant's teams with team:ReadTeam, else of the teams one manages.
#[server(prefix = "/rpc", endpoint = "teams/list")]
pub async fn list_teams(query: TeamQuery) -> Result<Page<TeamSummary>, AppError> {
    let request = crate::ssr::RequestContext::extract().await?;
    Ok(request.scope().list_teams(query).await?)
}
