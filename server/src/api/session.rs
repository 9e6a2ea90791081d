//! `/x/users/...`: who the caller is (TrueFoundry's session, `GET /x/users/info`), and a user's
//! teams, resources and permissions as TrueFoundry's SDK reads them.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiPath, Caller};
use crate::api::shapes::{DataResponse, Viewer};
use crate::api::teams::SubjectPermissionJson;
use axum::Json;
use domain::dto::{TeamMemberRole, TeamRef};
use domain::ids::UserId;
use serde::Serialize;

/// A team or account named in a session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NamedRef {
    id: String,
    name: String,
}

impl From<TeamRef> for NamedRef {
    fn from(team: TeamRef) -> Self {
        NamedRef {
            id: team.id.to_string(),
            name: team.name,
        }
    }
}

/// The caller, as TrueFoundry's `Session`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionJson {
    id: String,
    /// The caller's email.
    subject_slug: String,
    /// `user`.
    subject_type: &'static str,
    email: String,
    user_name: String,
    tenant_name: String,
    /// The tenant role's name.
    roles: Vec<String>,
    /// Every team the caller belongs to.
    teams: Vec<NamedRef>,
    /// The tenant, the root account until accounts exist.
    accounts: Vec<NamedRef>,
    /// The user whose access the call has: the caller.
    effective_user_id: String,
    /// The caller's tenant permissions (`user:ListUsers`, ...).
    permissions: Vec<String>,
}

/// `GET /x/users/info`: the caller (a user; a virtual account is told what it may do).
#[utoipa::path(
    get,
    path = "/x/users/info",
    tag = "users",
    responses((status = 200, body = SessionJson), (status = "4XX", description = "Refused: 401 no valid token, 403 a virtual account", body = ErrorBody))
)]
pub async fn info(caller: Caller) -> Result<Json<SessionJson>, ApiError> {
    let me = Viewer::of(&caller).await?.me;
    Ok(Json(SessionJson {
        id: me.id.to_string(),
        subject_slug: me.email.clone(),
        subject_type: "user",
        email: me.email,
        user_name: me.display_name,
        accounts: vec![NamedRef {
            id: me.tenant_id.to_string(),
            name: me.tenant_name.clone(),
        }],
        tenant_name: me.tenant_name,
        roles: vec![me.role_name],
        teams: me.teams.into_iter().map(Into::into).collect(),
        effective_user_id: me.id.to_string(),
        permissions: me.permissions,
    }))
}

/// A team a user belongs to, as TrueFoundry's `UserTeamInfo`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserTeamJson {
    team_id: String,
    team_name: String,
    /// `team-member` or `team-manager`.
    roles: Vec<&'static str>,
}

/// `GET /x/users/{id}/teams` (user:ListUsers): the user's teams and their place in each.
#[utoipa::path(
    get,
    path = "/x/users/{id}/teams",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = DataResponse<Vec<UserTeamJson>>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn teams(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<Vec<UserTeamJson>>>, ApiError> {
    let detail = caller.scope().get_user(UserId(id)).await?;
    Ok(Json(DataResponse {
        data: detail
            .team_memberships
            .into_iter()
            .map(|t| UserTeamJson {
                team_id: t.id.to_string(),
                team_name: t.name,
                roles: vec![match t.role {
                    TeamMemberRole::Manager => "team-manager",
                    TeamMemberRole::Member => "team-member",
                }],
            })
            .collect(),
    }))
}

/// A resource a user holds a role on, as TrueFoundry's `UserResource`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserResourceJson {
    resource_type: String,
    resource_id: String,
    resource_name: String,
    role_id: String,
    role_name: String,
    /// The team the role came through, when not granted to the user.
    via_team: Option<String>,
}

/// `GET /x/users/{id}/resources` (user:ListUsers): the resources the user holds a role on,
/// directly or through a team.
#[utoipa::path(
    get,
    path = "/x/users/{id}/resources",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = DataResponse<Vec<UserResourceJson>>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn resources(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<Vec<UserResourceJson>>>, ApiError> {
    let detail = caller.scope().get_user(UserId(id)).await?;
    Ok(Json(DataResponse {
        data: detail
            .collaborations
            .into_iter()
            .map(|g| UserResourceJson {
                resource_type: g.resource.resource_type.key().to_string(),
                resource_id: g.resource.id.to_string(),
                resource_name: g.resource.name,
                role_id: g.role_id.to_string(),
                role_name: g.role_name,
                via_team: g.via_team.map(|t| t.name),
            })
            .collect(),
    }))
}

/// `GET /x/users/{id}/permissions` (user:ListUsers): every role the user holds on a
/// resource, with the subject it was granted to (the user, or one of their teams).
#[utoipa::path(
    get,
    path = "/x/users/{id}/permissions",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = DataResponse<Vec<SubjectPermissionJson>>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn permissions(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<Vec<SubjectPermissionJson>>>, ApiError> {
    let detail = caller.scope().get_user(UserId(id)).await?;
    let user = detail.user.id;
    Ok(Json(DataResponse {
        data: detail
            .collaborations
            .into_iter()
            .map(|g| SubjectPermissionJson::new(g, Some(user)))
            .collect(),
    }))
}
