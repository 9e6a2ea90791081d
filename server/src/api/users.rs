//! `/users`: the tenant's users.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, ListResponse};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    InviteRequest, LinkDelivery, RoleManagedBy, UserDetail, UserKey, UserQuery, UserRow, UserStatus,
};
use domain::ids::UserId;
use domain::permissions::BuiltinRole;
use serde::{Deserialize, Serialize};

/// A user as the API shows them, with TrueFoundry's `metadata.tenantRoleManagedBy`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    #[schema(value_type = i64)]
    id: UserId,
    email: String,
    display_name: String,
    /// The tenant role's name, e.g. `tenant-admin`.
    roles: Vec<String>,
    #[schema(value_type = String)]
    status: UserStatus,
    teams: Vec<String>,
    last_login_at: Option<DateTime<Utc>>,
    metadata: UserMetadata,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserMetadata {
    #[schema(value_type = String)]
    tenant_role_managed_by: RoleManagedBy,
}

impl From<UserRow> for UserJson {
    fn from(row: UserRow) -> Self {
        UserJson {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            roles: vec![row.role_name],
            status: row.status,
            teams: row.teams,
            last_login_at: row.last_login_at,
            metadata: UserMetadata {
                tenant_role_managed_by: row.role_managed_by,
            },
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListUsers {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the email or name.
    query: Option<String>,
}

/// `GET /users?limit&offset&query` (user:ListUsers).
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
    let page = caller
        .scope()
        .list_users(UserQuery {
            search: params.query,
            limit: params.limit,
            offset: params.offset,
            ..UserQuery::default()
        })
        .await?;
    Ok(Json(ListResponse::from_page(page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Register {
    email: String,
    /// Mail a one-time link to set a password; leave false for users who sign in with SSO.
    #[serde(default)]
    send_invite_email: bool,
    /// The tenant role, by name (default `tenant-member`).
    role: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    #[schema(value_type = i64)]
    id: UserId,
    email: String,
    /// `emailed`, `shown` (mail is not configured: `setPasswordUrl` carries the link, once) or
    /// `none` (no password asked for).
    set_password: &'static str,
    set_password_url: Option<String>,
}

/// `POST /users/register {email, sendInviteEmail, role?}` (user:ManageUsers). An address that
/// already has a user is a 409 and changes nothing.
#[utoipa::path(
    post,
    path = "/users/register",
    tag = "users",
    request_body = Register,
    responses((status = 201, body = DataResponse<Registered>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn register(
    caller: Caller,
    ApiJson(body): ApiJson<Register>,
) -> Result<(StatusCode, Json<DataResponse<Registered>>), ApiError> {
    let scope = caller.scope();
    let role_name = body
        .role
        .unwrap_or_else(|| BuiltinRole::Member.name().to_string());
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
    let outcome = scope
        .invite_users(InviteRequest {
            emails: body.email,
            role_id: role.id,
            send_password_email: body.send_invite_email,
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("emails", "email"), ("role_id", "role")]))?;
    if let Some(existing) = outcome.already_exist.first() {
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
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: Registered {
                id: invited.id,
                email: invited.email,
                set_password,
                set_password_url,
            },
        }),
    ))
}

impl From<UserDetail> for UserJson {
    fn from(detail: UserDetail) -> Self {
        detail.user.into()
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRoles {
    email: String,
    /// One tenant role name (a user holds exactly one; teams add more).
    roles: Vec<String>,
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
    let [role_name] = body.roles.as_slice() else {
        return Err(ApiError::invalid(
            "roles",
            "Give exactly one tenant role: a user holds one (teams add more).",
        ));
    };
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
        data: detail.into(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ByEmail {
    email: String,
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
    let detail = caller
        .scope()
        .deactivate_user(UserKey::Email(body.email))
        .await?;
    Ok(Json(DataResponse {
        data: detail.into(),
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
    let detail = caller
        .scope()
        .activate_user(UserKey::Email(body.email))
        .await?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}

/// `DELETE /users/{id}`: refused while the user is in a team or holds a grant.
#[utoipa::path(
    delete,
    path = "/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Deleted"), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller.scope().delete_user(UserId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
