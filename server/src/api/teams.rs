//! `/teams` and their members (seed 004).

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, ListResponse};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    NewTeam, NewTeamMembers, TeamDetail, TeamMemberRole, TeamMemberRow, TeamQuery, TeamSummary,
};
use domain::ids::{RoleId, TeamId, UserId};
use domain::resources::Subject;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamJson {
    #[schema(value_type = i64)]
    id: TeamId,
    name: String,
    description: String,
    members_count: u64,
    managers: Vec<String>,
    /// The tenant role every member inherits, by name.
    role: Option<String>,
}

impl From<TeamSummary> for TeamJson {
    fn from(t: TeamSummary) -> Self {
        TeamJson {
            id: t.id,
            name: t.name,
            description: t.description,
            members_count: t.member_count,
            managers: t.managers,
            role: t.role.map(|r| r.name),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberJson {
    /// `user:<email>`.
    subject: String,
    #[schema(value_type = i64)]
    user_id: UserId,
    display_name: String,
    #[schema(value_type = String)]
    role: TeamMemberRole,
    added_at: DateTime<Utc>,
}

impl From<TeamMemberRow> for MemberJson {
    fn from(m: TeamMemberRow) -> Self {
        MemberJson {
            subject: format!("user:{}", m.email),
            user_id: m.user_id,
            display_name: m.display_name,
            role: m.role,
            added_at: m.added_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamDetailJson {
    #[serde(flatten)]
    team: TeamJson,
    members: Vec<MemberJson>,
    created_at: DateTime<Utc>,
}

impl From<TeamDetail> for TeamDetailJson {
    fn from(d: TeamDetail) -> Self {
        TeamDetailJson {
            team: d.team.into(),
            members: d.members.into_iter().map(Into::into).collect(),
            created_at: d.created_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListTeams {
    limit: Option<u64>,
    offset: Option<u64>,
    query: Option<String>,
}

/// `GET /teams?limit&offset&query` (team:ReadTeam).
#[utoipa::path(
    get,
    path = "/teams",
    tag = "teams",
    params(ListTeams),
    responses((status = 200, body = ListResponse<TeamJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(params): ApiQuery<ListTeams>,
) -> Result<Json<ListResponse<TeamJson>>, ApiError> {
    let page = caller
        .scope()
        .list_teams(TeamQuery {
            search: params.query,
            limit: params.limit,
            offset: params.offset,
        })
        .await?;
    Ok(Json(ListResponse::from_page(page)))
}

/// `GET /teams/{id}`: the team with its members.
#[utoipa::path(
    get,
    path = "/teams/{id}",
    tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let detail = caller.scope().get_team(TeamId(id)).await?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTeam {
    name: String,
    description: String,
    /// A tenant role every member inherits.
    role_id: Option<i64>,
}

/// `POST /teams {name, description, roleId?}`.
#[utoipa::path(
    post,
    path = "/teams",
    tag = "teams",
    request_body = CreateTeam,
    responses((status = 201, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<CreateTeam>,
) -> Result<(StatusCode, Json<DataResponse<TeamDetailJson>>), ApiError> {
    let detail = caller
        .scope()
        .create_team(NewTeam {
            name: body.name,
            description: body.description,
            role_id: body.role_id.map(RoleId),
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("role_id", "roleId")]))?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: detail.into(),
        }),
    ))
}

/// `DELETE /teams/{id}`: the team, its memberships and its grants.
#[utoipa::path(
    delete,
    path = "/teams/{id}",
    tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    responses((status = 204, description = "Deleted"), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller.scope().delete_team(TeamId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// `user:<email>`.
    subject: String,
    #[schema(value_type = String)]
    role: TeamMemberRole,
}

/// The email of a `user:` subject; teams hold users only.
fn member_email(raw: &str) -> Result<String, ApiError> {
    match Subject::parse("subject", raw)? {
        Subject::User(email) => Ok(email),
        other => Err(ApiError::invalid(
            "subject",
            format!("Teams hold users: use user:<email>, not {}:.", other.kind()),
        )),
    }
}

/// `POST /teams/{id}/members {subject, role}`: adds a user as `member` or `manager`.
#[utoipa::path(
    post,
    path = "/teams/{id}/members",
    tag = "teams",
    params(("id" = i64, Path, description = "Team id")),
    request_body = AddMember,
    responses((status = 201, body = DataResponse<TeamDetailJson>), (status = 200, description = "Already a member: nothing changed", body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn add_member(
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<AddMember>,
) -> Result<(StatusCode, Json<DataResponse<TeamDetailJson>>), ApiError> {
    let email = member_email(&body.subject)?;
    let scope = caller.scope();
    let outcome = scope
        .add_team_members(
            TeamId(id),
            NewTeamMembers {
                emails: email.clone(),
                role: body.role,
            },
        )
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("emails", "subject")]))?;
    let status = if outcome.added.is_empty() {
        // Already a member: nothing changed (the role stays as it was).
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let detail = scope.get_team(TeamId(id)).await?;
    Ok((
        status,
        Json(DataResponse {
            data: detail.into(),
        }),
    ))
}

/// `DELETE /teams/{id}/members/{subject}`.
#[utoipa::path(
    delete,
    path = "/teams/{id}/members/{subject}",
    tag = "teams",
    params(("id" = i64, Path, description = "Team id"), ("subject" = String, Path, description = "user:<email>")),
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn remove_member(
    caller: Caller,
    Path((id, subject)): Path<(i64, String)>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let email = member_email(&subject)?;
    let scope = caller.scope();
    let team = scope.get_team(TeamId(id)).await?;
    let member = team
        .members
        .iter()
        .find(|m| m.email == email)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("user:{email} is not a member of team {}.", team.team.name),
            )
        })?;
    let detail = scope.remove_team_member(TeamId(id), member.user_id).await?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}
