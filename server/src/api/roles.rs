//! `/roles`: tenant roles and resource roles (seed 004).

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller, Paging};
use crate::api::shapes::{DataResponse, Empty, ListResponse, page_of};
use axum::Json;
use axum::http::StatusCode;
use domain::dto::{NewRole, RoleSummary};
use domain::ids::RoleId;
use domain::resources::ResourceType;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: RoleId,
    name: String,
    display_name: String,
    description: String,
    /// `null` for a tenant role.
    #[schema(value_type = Option<String>)]
    resource_type: Option<ResourceType>,
    builtin: bool,
    /// Admin holds the whole catalog, whatever `permissions` lists.
    all_permissions: bool,
    permissions: Vec<String>,
}

impl From<RoleSummary> for RoleJson {
    fn from(r: RoleSummary) -> Self {
        RoleJson {
            id: r.id,
            name: r.name,
            display_name: r.display_name,
            description: r.description,
            resource_type: r.resource_type,
            builtin: r.builtin,
            all_permissions: r.all_permissions,
            permissions: r.permissions,
        }
    }
}

/// `GET /roles?limit&offset` (role:ListRoles). Without paging parameters, every role: a
/// tenant rarely has more than a few hundred, and scripts (TrueFoundry's SDK among them) read
/// the list in one call.
#[utoipa::path(
    get,
    path = "/roles",
    tag = "roles",
    params(Paging),
    responses((status = 200, body = ListResponse<RoleJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<ListResponse<RoleJson>>, ApiError> {
    let roles = caller
        .scope()
        .list_roles()
        .await
        .map_err(ApiError::access_control)?;
    if paging.limit.is_none() && paging.offset.is_none() {
        return Ok(Json(ListResponse::from_page(domain::dto::Page {
            total: roles.len() as u64,
            limit: roles.len() as u64,
            offset: 0,
            items: roles,
        })));
    }
    Ok(Json(ListResponse::from_page(page_of(roles, &paging)?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRole {
    name: String,
    display_name: String,
    description: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    resource_type: Option<ResourceType>,
    permissions: Vec<String>,
}

/// `POST /roles {name, displayName, description, resourceType?, permissions}`.
#[utoipa::path(
    post,
    path = "/roles",
    tag = "roles",
    request_body = CreateRole,
    responses((status = 201, body = DataResponse<RoleJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<CreateRole>,
) -> Result<(StatusCode, Json<DataResponse<RoleJson>>), ApiError> {
    let created = caller
        .scope()
        .create_role(NewRole {
            name: body.name,
            display_name: body.display_name,
            description: body.description,
            permissions: body.permissions,
            resource_type: body.resource_type,
        })
        .await
        .map_err(|e| {
            ApiError::access_control(e).with_field_names(&[
                ("display_name", "displayName"),
                ("resource_type", "resourceType"),
            ])
        })?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: created.into(),
        }),
    ))
}

/// `DELETE /roles/{id}`: custom roles nobody holds.
#[utoipa::path(
    delete,
    path = "/roles/{id}",
    tag = "roles",
    params(("id" = String, Path, description = "Role id")),
    responses((status = 200, description = "Deleted: `{}`", body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, ApiPath(id): ApiPath<i64>) -> Result<Json<Empty>, ApiError> {
    caller
        .scope()
        .delete_role(RoleId(id))
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(Empty {}))
}
