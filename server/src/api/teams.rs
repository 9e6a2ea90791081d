//! `/teams` and their members (seed 004).

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller, Paging};
use crate::api::shapes::{DataResponse, Empty, ListResponse, SubjectJson, Viewer, page_of};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    NewTeam, NewTeamMembers, TeamDetail, TeamManifest, TeamMemberRole, TeamMemberRow, TeamQuery,
    TeamSummary, UserGrant,
};
use domain::ids::{RoleId, TeamId, UserId};
use domain::permissions::Permission;
use domain::resources::Subject;
use serde::{Deserialize, Serialize};

/// A team: TrueFoundry's `Team` (its SDK parses it strictly: `manifest`, `members` as emails,
/// `createdBySubject`...), with Latchkey's own fields beside.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: TeamId,
    name: String,
    description: String,
    tenant_name: String,
    /// The tenant's id: the tenant is the root account until accounts exist.
    account_id: String,
    created_by_subject: SubjectJson,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Whether the caller may change its members (team:ManageTeam, or a manager of it).
    is_editable: bool,
    /// Everyone in the team, managers included.
    members_count: u64,
    /// The emails of those who do not manage the team (TrueFoundry keeps members and
    /// managers apart, as the manifest does).
    members: Vec<String>,
    managers: Vec<String>,
    /// The tenant role every member inherits, by name.
    role: Option<String>,
    /// The team as configuration, as `PUT /teams` and `PUT /apply` take it.
    manifest: TeamManifestJson,
}

/// TrueFoundry's team manifest (`type: team`), in the form `PUT /teams` takes: `members` are
/// those who do not manage the team, `managers` those who do, so applying it again changes
/// nothing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamManifestJson {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    description: String,
    members: Vec<String>,
    managers: Vec<String>,
}

impl TeamJson {
    pub fn new(t: TeamSummary, viewer: &Viewer) -> Self {
        let is_editable = viewer.can(Permission::ManageTeam)
            || viewer.me.managed_teams.iter().any(|m| m.id == t.id);
        let members: Vec<String> = t
            .members
            .iter()
            .filter(|m| !t.managers.contains(m))
            .cloned()
            .collect();
        TeamJson {
            id: t.id,
            manifest: TeamManifestJson {
                kind: "team",
                name: t.name.clone(),
                description: t.description.clone(),
                members: members.clone(),
                managers: t.managers.clone(),
            },
            name: t.name,
            description: t.description,
            tenant_name: viewer.tenant_name(),
            account_id: viewer.account_id(),
            created_by_subject: SubjectJson::user(t.created_by),
            created_at: t.created_at,
            updated_at: t.updated_at,
            is_editable,
            members_count: t.member_count,
            members,
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
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
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
    /// The members with their place in the team, managers first.
    memberships: Vec<MemberJson>,
}

impl TeamDetailJson {
    pub fn new(d: TeamDetail, viewer: &Viewer) -> Self {
        TeamDetailJson {
            team: TeamJson::new(d.team, viewer),
            memberships: d.members.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListTeams {
    limit: Option<u64>,
    offset: Option<u64>,
    query: Option<String>,
    /// `manager`: only the teams the caller manages.
    role: Option<String>,
    /// Accepted for TrueFoundry's SDK; every team carries its members here.
    #[serde(default)]
    #[allow(dead_code)]
    include_membership: Option<bool>,
    /// Accepted for TrueFoundry's SDK; every attribute is always answered.
    #[serde(default)]
    #[allow(dead_code)]
    attributes: Vec<String>,
}

/// `GET /teams?limit&offset&query&role`: the tenant's teams with team:ReadTeam, else the teams the caller manages;
/// `role=manager` keeps only the teams the caller manages.
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
    let viewer = Viewer::of(&caller).await?;
    let page = match params.role.as_deref() {
        None => caller
            .scope()
            .list_teams(TeamQuery {
                search: params.query,
                limit: params.limit,
                offset: params.offset,
            })
            .await
            .map_err(|e| ApiError::access_control(e).with_field_names(&[("search", "query")]))?,
        Some("manager") => managed_teams(&caller, &viewer, &params).await?,
        Some(other) => {
            return Err(ApiError::invalid(
                "role",
                format!("role is manager or absent, not {other}."),
            ));
        }
    };
    Ok(Json(ListResponse::from_page_with(page, |t| {
        TeamJson::new(t, &viewer)
    })))
}

/// `GET /teams/user`: the same list, where TrueFoundry's SDK asks for it (`teams.list`).
#[utoipa::path(
    get,
    path = "/teams/user",
    tag = "teams",
    params(ListTeams),
    responses((status = 200, body = ListResponse<TeamJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list_for_user(
    caller: Caller,
    query: ApiQuery<ListTeams>,
) -> Result<Json<ListResponse<TeamJson>>, ApiError> {
    list(caller, query).await
}

/// One page of the teams the caller manages, whatever their permissions.
async fn managed_teams(
    caller: &Caller,
    viewer: &Viewer,
    params: &ListTeams,
) -> Result<domain::dto::Page<TeamSummary>, ApiError> {
    let scope = caller.scope();
    let mut teams = Vec::new();
    for managed in &viewer.me.managed_teams {
        let detail = scope
            .get_team(managed.id)
            .await
            .map_err(ApiError::access_control)?;
        let matches = params.query.as_deref().is_none_or(|q| {
            let q = q.to_lowercase();
            detail.team.name.to_lowercase().contains(&q)
                || detail.team.description.to_lowercase().contains(&q)
        });
        if matches {
            teams.push(detail.team);
        }
    }
    teams.sort_by(|a, b| a.name.cmp(&b.name));
    page_of(
        teams,
        &Paging {
            limit: params.limit,
            offset: params.offset,
        },
    )
}

/// `GET /teams/{id}`: the team with its members.
#[utoipa::path(
    get,
    path = "/teams/{id}",
    tag = "teams",
    params(("id" = String, Path, description = "Team id")),
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller
        .scope()
        .get_team(TeamId(id))
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(DataResponse {
        data: TeamDetailJson::new(detail, &viewer),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTeam {
    name: String,
    description: String,
    /// A tenant role every member inherits.
    #[serde(default, deserialize_with = "crate::api::ids::optional_id")]
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
    let viewer = Viewer::of(&caller).await?;
    let detail = caller
        .scope()
        .create_team(NewTeam {
            name: body.name,
            description: body.description,
            role_id: body.role_id.map(RoleId),
        })
        .await
        .map_err(|e| ApiError::access_control(e).with_field_names(&[("role_id", "roleId")]))?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: TeamDetailJson::new(detail, &viewer),
        }),
    ))
}

/// TrueFoundry's team manifest, as `PUT /teams` and `PUT /apply` take it. Keys as the SDK
/// sends them; what Latchkey does not keep is refused by name rather than dropped.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamManifestInput {
    /// `team` when given.
    #[serde(rename = "type")]
    kind: Option<String>,
    name: String,
    description: Option<String>,
    /// Emails; managers need not be listed again.
    #[serde(default)]
    members: Vec<String>,
    /// Emails of the members who manage the team; absent: the current managers stay.
    #[serde(default)]
    managers: Option<Vec<String>>,
    /// Must equal `name` when given (a team's name is its only name here).
    display_name: Option<String>,
    /// `{account}`: only the tenant (the root account) until accounts exist.
    #[schema(value_type = Option<Object>)]
    owned_by: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    tags: Option<serde_json::Value>,
    #[serde(rename = "identity_provider_mapping")]
    #[schema(value_type = Option<Vec<Object>>)]
    identity_provider_mapping: Option<Vec<serde_json::Value>>,
}

impl TeamManifestInput {
    /// The manifest for the domain, or a 400 naming the part Latchkey does not keep.
    pub fn into_manifest(self, viewer: &Viewer) -> Result<TeamManifest, ApiError> {
        if let Some(kind) = &self.kind
            && kind != "team"
        {
            return Err(ApiError::invalid(
                "manifest.type",
                format!("This manifest is a team's: type team, not {kind}."),
            ));
        }
        if let Some(display) = &self.display_name
            && display != &self.name
        {
            return Err(ApiError::invalid(
                "manifest.displayName",
                "A team is named by its name alone here: leave displayName out or make it equal to name.",
            ));
        }
        let account = self.owned_by.as_ref().and_then(|o| o.get("account"));
        if account.is_some_and(|a| !a.as_str().is_some_and(|a| viewer.is_tenant(a))) {
            return Err(ApiError::invalid(
                "manifest.ownedBy.account",
                format!(
                    "Teams belong to the tenant ({}) until accounts exist.",
                    viewer.tenant_name()
                ),
            ));
        }
        if self
            .tags
            .as_ref()
            .is_some_and(|t| !t.is_null() && t != &serde_json::json!({}))
        {
            return Err(ApiError::invalid(
                "manifest.tags",
                "Latchkey keeps no tags on teams: leave tags out.",
            ));
        }
        if self
            .identity_provider_mapping
            .as_ref()
            .is_some_and(|m| !m.is_empty())
        {
            return Err(ApiError::invalid(
                "manifest.identity_provider_mapping",
                "Map identity-provider groups to teams on the identity provider (PATCH /identity-providers/{id}, or its page in the console), where each rule is checked against its author.",
            ));
        }
        Ok(TeamManifest {
            name: self.name,
            description: self.description,
            members: self.members,
            managers: self.managers,
        })
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyTeam {
    manifest: TeamManifestInput,
    /// Check everything, change nothing.
    dry_run: Option<bool>,
}

/// `PUT /teams {manifest, dryRun?}`: creates the team named in the manifest, or brings an
/// existing one to match it (description, members, managers), in one transaction.
#[utoipa::path(
    put,
    path = "/teams",
    tag = "teams",
    request_body = ApplyTeam,
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create_or_update(
    caller: Caller,
    ApiJson(body): ApiJson<ApplyTeam>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let applied = apply_manifest(
        &caller,
        &viewer,
        body.manifest,
        body.dry_run.unwrap_or(false),
    )
    .await?;
    Ok(Json(DataResponse {
        data: TeamDetailJson::new(applied.team, &viewer),
    }))
}

/// Applies a team manifest (also for `PUT /apply`).
pub async fn apply_manifest(
    caller: &Caller,
    viewer: &Viewer,
    manifest: TeamManifestInput,
    dry_run: bool,
) -> Result<domain::dto::AppliedTeam, ApiError> {
    let manifest = manifest.into_manifest(viewer)?;
    let scope = caller.scope();
    let acting = if dry_run { scope.rehearsal() } else { scope };
    acting.apply_team(manifest).await.map_err(|e| {
        ApiError::access_control(e).with_field_names(&[
            ("name", "manifest.name"),
            ("description", "manifest.description"),
            ("members", "manifest.members"),
            ("managers", "manifest.managers"),
        ])
    })
}

/// `DELETE /teams/{id}`: the team, its memberships and its grants. Answers `{}`.
#[utoipa::path(
    delete,
    path = "/teams/{id}",
    tag = "teams",
    params(("id" = String, Path, description = "Team id")),
    responses((status = 200, body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, ApiPath(id): ApiPath<i64>) -> Result<Json<Empty>, ApiError> {
    caller
        .scope()
        .delete_team(TeamId(id))
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(Empty {}))
}

/// One member or manager of a team, as TrueFoundry's `TeamSubjectRow`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamSubjectJson {
    subject_id: String,
    /// The member's email.
    subject_slug: String,
    subject_type: &'static str,
    display_name: String,
    #[schema(value_type = String)]
    role: TeamMemberRole,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListTeamSubjects {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the email or name.
    filter: Option<String>,
}

/// `GET /teams/{id}/members?limit&offset&filter`: those in the team who do not manage it
/// (`/managers` lists the others).
#[utoipa::path(
    get,
    path = "/teams/{id}/members",
    tag = "teams",
    params(("id" = String, Path, description = "Team id"), ListTeamSubjects),
    responses((status = 200, body = ListResponse<TeamSubjectJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list_members(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ListTeamSubjects>,
) -> Result<Json<ListResponse<TeamSubjectJson>>, ApiError> {
    team_subjects(&caller, id, params, false).await
}

/// `GET /teams/{id}/managers?limit&offset&filter`: the team's managers.
#[utoipa::path(
    get,
    path = "/teams/{id}/managers",
    tag = "teams",
    params(("id" = String, Path, description = "Team id"), ListTeamSubjects),
    responses((status = 200, body = ListResponse<TeamSubjectJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list_managers(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<ListTeamSubjects>,
) -> Result<Json<ListResponse<TeamSubjectJson>>, ApiError> {
    team_subjects(&caller, id, params, true).await
}

async fn team_subjects(
    caller: &Caller,
    id: i64,
    params: ListTeamSubjects,
    managers_only: bool,
) -> Result<Json<ListResponse<TeamSubjectJson>>, ApiError> {
    let detail = caller
        .scope()
        .get_team(TeamId(id))
        .await
        .map_err(ApiError::access_control)?;
    let filter = params.filter.map(|f| f.to_lowercase());
    let rows: Vec<TeamSubjectJson> = detail
        .members
        .into_iter()
        .filter(|m| (m.role == TeamMemberRole::Manager) == managers_only)
        .filter(|m| {
            filter.as_deref().is_none_or(|f| {
                m.email.to_lowercase().contains(f) || m.display_name.to_lowercase().contains(f)
            })
        })
        .map(|m| TeamSubjectJson {
            subject_id: m.user_id.to_string(),
            subject_slug: m.email,
            subject_type: "user",
            display_name: m.display_name,
            role: m.role,
        })
        .collect();
    let page = page_of(
        rows,
        &Paging {
            limit: params.limit,
            offset: params.offset,
        },
    )?;
    Ok(Json(ListResponse::from_page_with(page, |row| row)))
}

/// A role a subject holds on a resource, as TrueFoundry's `SubjectPermission`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubjectPermissionJson {
    resource_type: String,
    resource_id: String,
    resource_name: String,
    role_id: String,
    role_name: String,
    subject_id: String,
    /// `user` or `team` (a user's permissions include their teams').
    subject_type: &'static str,
}

impl SubjectPermissionJson {
    /// `grant`, held by the user `user` directly or through the team it names.
    pub fn new(grant: UserGrant, user: Option<UserId>) -> Self {
        let (subject_id, subject_type) = match (&grant.via_team, user) {
            (Some(team), _) => (team.id.to_string(), "team"),
            (None, Some(user)) => (user.to_string(), "user"),
            (None, None) => (String::new(), "user"),
        };
        SubjectPermissionJson {
            resource_type: grant.resource.resource_type.key().to_string(),
            resource_id: grant.resource.id.to_string(),
            resource_name: grant.resource.name,
            role_id: grant.role_id.to_string(),
            role_name: grant.role_name,
            subject_id,
            subject_type,
        }
    }
}

/// `GET /teams/{id}/permissions`: the roles granted to the team on resources, which every
/// member holds through it.
#[utoipa::path(
    get,
    path = "/teams/{id}/permissions",
    tag = "teams",
    params(("id" = String, Path, description = "Team id")),
    responses((status = 200, body = DataResponse<Vec<SubjectPermissionJson>>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn permissions(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<Vec<SubjectPermissionJson>>>, ApiError> {
    let detail = caller
        .scope()
        .get_team(TeamId(id))
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(DataResponse {
        data: detail
            .grants
            .into_iter()
            .map(|g| SubjectPermissionJson::new(g, None))
            .collect(),
    }))
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
    params(("id" = String, Path, description = "Team id")),
    request_body = AddMember,
    responses((status = 201, body = DataResponse<TeamDetailJson>), (status = 200, description = "Already a member: nothing changed", body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn add_member(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AddMember>,
) -> Result<(StatusCode, Json<DataResponse<TeamDetailJson>>), ApiError> {
    let email = member_email(&body.subject)?;
    let viewer = Viewer::of(&caller).await?;
    let outcome = caller
        .scope()
        .add_team_members(
            TeamId(id),
            NewTeamMembers {
                emails: email.clone(),
                role: body.role,
            },
        )
        .await
        .map_err(|e| ApiError::access_control(e).with_field_names(&[("emails", "subject")]))?;
    let status = if outcome.added.is_empty() {
        // Already a member: nothing changed. Asked for another place in the team, say how.
        if let Some(present) = outcome.team.members.iter().find(|m| m.email == email)
            && present.role != body.role
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                format!(
                    "user:{email} is already in team {} as {}: change that with PATCH /teams/{id}/members/user:{email}.",
                    outcome.team.team.name,
                    present.role.as_str()
                ),
            ));
        }
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(DataResponse {
            data: TeamDetailJson::new(outcome.team, &viewer),
        }),
    ))
}

/// `DELETE /teams/{id}/members/{subject}`.
#[utoipa::path(
    delete,
    path = "/teams/{id}/members/{subject}",
    tag = "teams",
    params(("id" = String, Path, description = "Team id"), ("subject" = String, Path, description = "user:<email>")),
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn remove_member(
    caller: Caller,
    ApiPath((id, subject)): ApiPath<(i64, String)>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let scope = caller.scope();
    let member = member_of(&scope, TeamId(id), &subject).await?;
    let detail = scope
        .remove_team_member(TeamId(id), member)
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(DataResponse {
        data: TeamDetailJson::new(detail, &viewer),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeMemberRole {
    /// `member` or `manager`.
    #[schema(value_type = String)]
    role: TeamMemberRole,
}

/// `PATCH /teams/{id}/members/{subject} {role}`: promotes a member to manager, or makes a
/// manager a plain member again.
#[utoipa::path(
    patch,
    path = "/teams/{id}/members/{subject}",
    tag = "teams",
    params(("id" = String, Path, description = "Team id"), ("subject" = String, Path, description = "user:<email>")),
    request_body = ChangeMemberRole,
    responses((status = 200, body = DataResponse<TeamDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn change_member_role(
    caller: Caller,
    ApiPath((id, subject)): ApiPath<(i64, String)>,
    ApiJson(body): ApiJson<ChangeMemberRole>,
) -> Result<Json<DataResponse<TeamDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let scope = caller.scope();
    let member = member_of(&scope, TeamId(id), &subject).await?;
    let detail = scope
        .set_team_member_role(TeamId(id), member, body.role)
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(DataResponse {
        data: TeamDetailJson::new(detail, &viewer),
    }))
}

/// The user id of the member `subject` (`user:<email>`) names in team `id`.
async fn member_of(
    scope: &domain::Scope<'_>,
    id: TeamId,
    subject: &str,
) -> Result<UserId, ApiError> {
    let email = member_email(subject)?;
    let team = scope.get_team(id).await.map_err(ApiError::access_control)?;
    team.members
        .iter()
        .find(|m| m.email == email)
        .map(|m| m.user_id)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("user:{email} is not a member of team {}.", team.team.name),
            )
        })
}
