//! `/users`: the tenant's users.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, Empty, ListResponse, Viewer};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    InviteRequest, LinkDelivery, RoleManagedBy, UserKey, UserQuery, UserRow, UserStatus,
};
use domain::ids::UserId;
use domain::permissions::{BuiltinRole, Permission};
use serde::{Deserialize, Serialize};

/// A user as the API shows them: TrueFoundry's `User` (its SDK parses it strictly), with
/// Latchkey's own fields beside.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: UserId,
    email: String,
    tenant_name: String,
    display_name: String,
    /// The tenant role's name, e.g. `tenant-admin`.
    roles: Vec<String>,
    #[schema(value_type = String)]
    status: UserStatus,
    /// False once deactivated.
    active: bool,
    /// Whether the caller may change this user (user:ManageUsers).
    is_editable: bool,
    teams: Vec<String>,
    last_login_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    metadata: UserMetadata,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserMetadata {
    #[schema(value_type = String)]
    tenant_role_managed_by: RoleManagedBy,
    display_name: String,
}

impl UserJson {
    pub fn new(row: UserRow, viewer: &Viewer) -> Self {
        UserJson {
            id: row.id,
            metadata: UserMetadata {
                tenant_role_managed_by: row.role_managed_by,
                display_name: row.display_name.clone(),
            },
            email: row.email,
            tenant_name: viewer.tenant_name(),
            display_name: row.display_name,
            roles: vec![row.role_name],
            active: row.status == UserStatus::Active,
            status: row.status,
            is_editable: viewer.can(Permission::ManageUsers),
            teams: row.teams,
            last_login_at: row.last_login_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListUsers {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the email or name.
    query: Option<String>,
    /// `false`: active users only; `true` or absent: deactivated users too.
    show_invalid_users: Option<bool>,
}

/// `GET /users?limit&offset&query&showInvalidUsers` (user:ListUsers).
#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    params(ListUsers),
    responses((status = 200, body = ListResponse<UserJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(params): ApiQuery<ListUsers>,
) -> Result<Json<ListResponse<UserJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let page = caller
        .scope()
        .list_users(UserQuery {
            search: params.query,
            limit: params.limit,
            offset: params.offset,
            status: (params.show_invalid_users == Some(false)).then_some(UserStatus::Active),
            ..UserQuery::default()
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("search", "query")]))?;
    Ok(Json(ListResponse::from_page_with(page, |row| {
        UserJson::new(row, &viewer)
    })))
}

/// `GET /users/{id}` (user:ListUsers).
#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = DataResponse<UserJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<UserJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller.scope().get_user(UserId(id)).await?;
    Ok(Json(DataResponse {
        data: UserJson::new(detail.user, &viewer),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Register {
    email: String,
    /// Mail a one-time link to set a password; leave false for users who sign in with SSO.
    send_invite_email: Option<bool>,
    /// The tenant role, by name (default `tenant-member`).
    role: Option<String>,
    /// An address that already has a user is a success that changes nothing (else 409).
    skip_if_user_exists: Option<bool>,
    /// Check everything, change nothing.
    dry_run: Option<bool>,
    /// Accepted and not used: the link in the mail always opens this console's own page, never
    /// a caller-given address (the link carries a one-time secret).
    #[serde(rename = "acceptInviteClientURL")]
    #[allow(dead_code)]
    accept_invite_client_url: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    /// Absent when nothing was created (`dryRun`, or an existing user skipped).
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "crate::api::ids::optional_string")]
    id: Option<UserId>,
    email: String,
    /// `emailed`, `shown` (mail is not configured: `setPasswordUrl` carries the link, once),
    /// `none` (no password asked for), or `skipped` (the user existed).
    set_password: &'static str,
    set_password_url: Option<String>,
    dry_run: bool,
}

/// `POST /users/register {email, sendInviteEmail?, role?, skipIfUserExists?, dryRun?}`
/// (user:ManageUsers). An address that already has a user is a 409 and changes nothing,
/// unless `skipIfUserExists`.
#[utoipa::path(
    post,
    path = "/users/register",
    tag = "users",
    request_body = Register,
    responses((status = 201, body = DataResponse<Registered>), (status = 200, description = "dryRun, or an existing user skipped", body = DataResponse<Registered>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn register(
    caller: Caller,
    ApiJson(body): ApiJson<Register>,
) -> Result<(StatusCode, Json<DataResponse<Registered>>), ApiError> {
    let dry_run = body.dry_run.unwrap_or(false);
    let (status, registered) = invite(
        &caller,
        body.email,
        body.role,
        body.send_invite_email.unwrap_or(false),
        body.skip_if_user_exists.unwrap_or(false),
        dry_run,
    )
    .await?;
    Ok((status, Json(DataResponse { data: registered })))
}

/// Invites one address through the same operation as the console's Invite users.
async fn invite(
    caller: &Caller,
    email: String,
    role: Option<String>,
    send_password_email: bool,
    skip_if_user_exists: bool,
    dry_run: bool,
) -> Result<(StatusCode, Registered), ApiError> {
    let scope = caller.scope();
    let role_name = role.unwrap_or_else(|| BuiltinRole::Member.name().to_string());
    let role = scope
        .assignable_roles()
        .await?
        .into_iter()
        .find(|r| r.name == role_name)
        .ok_or_else(|| {
            ApiError::invalid(
                "role",
                format!("There is no tenant role named {role_name}."),
            )
        })?;
    let request = InviteRequest {
        emails: email,
        role_id: role.id,
        send_password_email,
        teams: Vec::new(),
    };
    let acting = if dry_run { scope.rehearsal() } else { scope };
    let outcome = acting
        .invite_users(request)
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("emails", "email"), ("role_id", "role")]))?;
    if let Some(existing) = outcome.already_exist.into_iter().next() {
        if skip_if_user_exists {
            return Ok((
                StatusCode::OK,
                Registered {
                    id: None,
                    email: existing,
                    set_password: "skipped",
                    set_password_url: None,
                    dry_run,
                },
            ));
        }
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("A user with email {existing} already exists."),
        ));
    }
    let invited = outcome
        .invited
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::invalid("email", "Enter an email address."))?;
    let (set_password, set_password_url) = match invited.set_password_link {
        Some(LinkDelivery::Emailed { .. }) => ("emailed", None),
        Some(LinkDelivery::Shown(link)) => ("shown", Some(link.url)),
        None => ("none", None),
    };
    if dry_run {
        // Nothing was written: no id, and no link (it would open nothing).
        return Ok((
            StatusCode::OK,
            Registered {
                id: None,
                email: invited.email,
                set_password,
                set_password_url: None,
                dry_run,
            },
        ));
    }
    Ok((
        StatusCode::CREATED,
        Registered {
            id: Some(invited.id),
            email: invited.email,
            set_password,
            set_password_url,
            dry_run,
        },
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Invite {
    email: String,
    /// Accepted and not used: the link always opens this console's own page, never a
    /// caller-given address (it carries a one-time secret).
    #[allow(dead_code)]
    accept_invite_client_url: Option<String>,
    /// The tenant role, by name (default `tenant-member`).
    role: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invited {
    /// Where the new user goes: the one-time set-password link when mail is not configured
    /// (pass it on, once), else the sign-in page (the link itself went to them by mail).
    link: String,
    /// `emailed` or `shown`.
    delivery: &'static str,
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: UserId,
}

/// `POST /users/invite {email, acceptInviteClientUrl?, role?}` (user:ManageUsers): a new user
/// who sets a password through a one-time link. 409 when the address already has a user.
#[utoipa::path(
    post,
    path = "/users/invite",
    tag = "users",
    request_body = Invite,
    responses((status = 201, body = Invited), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn invite_user(
    caller: Caller,
    ApiJson(body): ApiJson<Invite>,
) -> Result<(StatusCode, Json<Invited>), ApiError> {
    let (_, registered) = invite(&caller, body.email, body.role, true, false, false).await?;
    let id = registered
        .id
        .ok_or_else(|| ApiError::from(domain::DomainError::Internal("no user invited".into())))?;
    let (link, delivery) = match registered.set_password_url {
        Some(url) => (url, "shown"),
        None => (format!("{}/login", caller.public_url()), "emailed"),
    };
    Ok((StatusCode::CREATED, Json(Invited { link, delivery, id })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeRoles {
    email: String,
    /// One tenant role name (a user holds exactly one; teams add more).
    roles: Vec<String>,
    /// `tenant` or absent: roles on other resources are granted through `/collaborators`.
    resource_type: Option<String>,
}

/// `PATCH /users/roles {email, roles: [name]}` (user:ManageUsers). The change is manual: SSO
/// group mapping will not undo it.
#[utoipa::path(
    patch,
    path = "/users/roles",
    tag = "users",
    request_body = ChangeRoles,
    responses((status = 200, body = DataResponse<UserJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn change_roles(
    caller: Caller,
    ApiJson(body): ApiJson<ChangeRoles>,
) -> Result<Json<DataResponse<UserJson>>, ApiError> {
    if body.resource_type.as_deref().is_some_and(|t| t != "tenant") {
        return Err(ApiError::invalid(
            "resourceType",
            "Only tenant roles are set here (resourceType tenant); grant roles on a resource with POST /collaborators.",
        ));
    }
    let [role_name] = body.roles.as_slice() else {
        return Err(ApiError::invalid(
            "roles",
            "Give exactly one tenant role: a user holds one (teams add more).",
        ));
    };
    let viewer = Viewer::of(&caller).await?;
    let scope = caller.scope();
    let role = scope
        .assignable_roles()
        .await?
        .into_iter()
        .find(|r| &r.name == role_name)
        .ok_or_else(|| {
            ApiError::invalid(
                "roles",
                format!("There is no tenant role named {role_name}."),
            )
        })?;
    let detail = scope
        .change_user_role(UserKey::Email(body.email), role.id)
        .await?;
    Ok(Json(DataResponse {
        data: UserJson::new(detail.user, &viewer),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ByEmail {
    email: String,
    /// When given, the caller's tenant's name (a user of another tenant is not found).
    tenant_name: Option<String>,
}

impl ByEmail {
    /// The user's key, after checking `tenantName` names the caller's tenant.
    fn key(self, viewer: &Viewer) -> Result<UserKey, ApiError> {
        if let Some(tenant) = &self.tenant_name
            && !tenant.eq_ignore_ascii_case(&viewer.tenant_name())
        {
            return Err(ApiError::from(domain::DomainError::NotFound("User".into())));
        }
        Ok(UserKey::Email(self.email))
    }
}

/// `PATCH /users/deactivate {email}`: the user's sessions end and their tokens stop at once.
#[utoipa::path(
    patch,
    path = "/users/deactivate",
    tag = "users",
    request_body = ByEmail,
    responses((status = 200, body = DataResponse<UserJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn deactivate(
    caller: Caller,
    ApiJson(body): ApiJson<ByEmail>,
) -> Result<Json<DataResponse<UserJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller.scope().deactivate_user(body.key(&viewer)?).await?;
    Ok(Json(DataResponse {
        data: UserJson::new(detail.user, &viewer),
    }))
}

/// `PATCH /users/activate {email}`.
#[utoipa::path(
    patch,
    path = "/users/activate",
    tag = "users",
    request_body = ByEmail,
    responses((status = 200, body = DataResponse<UserJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn activate(
    caller: Caller,
    ApiJson(body): ApiJson<ByEmail>,
) -> Result<Json<DataResponse<UserJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller.scope().activate_user(body.key(&viewer)?).await?;
    Ok(Json(DataResponse {
        data: UserJson::new(detail.user, &viewer),
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteUser {
    /// When given, the caller's tenant's name.
    tenant_name: Option<String>,
    /// Only `false`: a user still in a team or holding a grant is not deleted; remove those
    /// first, so that nothing they were given disappears unseen.
    force_delete: Option<bool>,
}

/// `DELETE /users/{id}`: refused while the user is in a team or holds a grant. Answers `{}`.
#[utoipa::path(
    delete,
    path = "/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "User id"), DeleteUser),
    responses((status = 200, body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<DeleteUser>,
) -> Result<Json<Empty>, ApiError> {
    if params.force_delete == Some(true) {
        return Err(ApiError::invalid(
            "forceDelete",
            "Latchkey does not force a deletion: take the user out of their teams and remove their grants first (the refusal without forceDelete names them).",
        ));
    }
    if let Some(tenant) = &params.tenant_name {
        let viewer = Viewer::of(&caller).await?;
        if !tenant.eq_ignore_ascii_case(&viewer.tenant_name()) {
            return Err(ApiError::from(domain::DomainError::NotFound("User".into())));
        }
    }
    caller.scope().delete_user(UserId(id)).await?;
    Ok(Json(Empty {}))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangePassword {
    /// The caller's own email: one changes only one's own password here.
    login_id: String,
    old_password: String,
    new_password: String,
}

/// `POST /users/change-password {loginId, oldPassword, newPassword}`: the caller's own
/// password, with the current one. Every session of the caller ends. Answers `{}`.
#[utoipa::path(
    post,
    path = "/users/change-password",
    tag = "users",
    request_body = ChangePassword,
    responses((status = 200, body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn change_password(
    caller: Caller,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<Json<Empty>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    if !body.login_id.trim().eq_ignore_ascii_case(&viewer.me.email) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "You can change only your own password here; an admin resets someone else's from their page in the console.",
        ));
    }
    caller
        .scope()
        .change_own_password(&body.old_password, &body.new_password, &body.new_password)
        .await
        .map_err(|e| {
            ApiError::naming_fields(
                e,
                &[
                    ("current_password", "oldPassword"),
                    ("password", "newPassword"),
                    ("confirm", "newPassword"),
                ],
            )
        })?;
    Ok(Json(Empty {}))
}
