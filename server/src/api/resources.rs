//! `/resources`, `/collaborators` (seed 004) and `/access/check`.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller, Paging};
use crate::api::shapes::{DataResponse, Empty, ListResponse, page_of};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::DomainError;
use domain::dto::{
    AccessAnswer, AccessPath, AccessQuestion, CollaboratorQuery, CollaboratorRow, NewCollaborator,
    NewResource, ResourceDetail, ResourceSummary,
};
use domain::ids::{CollaboratorId, ResourceId, RoleId};
use domain::resources::ResourceType;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: ResourceId,
    #[schema(value_type = String)]
    resource_type: ResourceType,
    name: String,
    /// A workspace's cluster.
    #[schema(value_type = Option<String>)]
    #[serde(serialize_with = "crate::api::ids::optional_string")]
    parent_id: Option<ResourceId>,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<ResourceSummary> for ResourceJson {
    fn from(r: ResourceSummary) -> Self {
        ResourceJson {
            id: r.id,
            resource_type: r.resource_type,
            name: r.name,
            parent_id: r.parent.map(|p| p.id),
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollaboratorJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: CollaboratorId,
    subject: String,
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    role_id: RoleId,
    /// The role's name, e.g. `workspace-admin`.
    role: String,
    granted_by: Option<String>,
    granted_at: DateTime<Utc>,
}

impl From<CollaboratorRow> for CollaboratorJson {
    fn from(c: CollaboratorRow) -> Self {
        CollaboratorJson {
            id: c.id,
            subject: c.subject,
            role_id: c.role.id,
            role: c.role.name,
            granted_by: c.granted_by,
            granted_at: c.granted_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDetailJson {
    #[serde(flatten)]
    resource: ResourceJson,
    /// The first collaborators, oldest grant first; `GET .../collaborators` pages through all
    /// of them.
    collaborators: Vec<CollaboratorJson>,
    /// How many collaborators the resource has in all.
    collaborators_total: u64,
}

impl From<ResourceDetail> for ResourceDetailJson {
    fn from(d: ResourceDetail) -> Self {
        ResourceDetailJson {
            resource: d.resource.into(),
            collaborators_total: d.collaborators.total,
            collaborators: d.collaborators.items.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListResources {
    #[param(value_type = Option<String>)]
    resource_type: Option<ResourceType>,
    limit: Option<u64>,
    offset: Option<u64>,
}

/// `GET /resources?resourceType&limit&offset`: the resources the caller may read.
#[utoipa::path(
    get,
    path = "/resources",
    tag = "resources",
    params(ListResources),
    responses((status = 200, body = ListResponse<ResourceJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(params): ApiQuery<ListResources>,
) -> Result<Json<ListResponse<ResourceJson>>, ApiError> {
    let all = caller.scope().list_resources(params.resource_type).await?;
    let paging = Paging {
        limit: params.limit,
        offset: params.offset,
    };
    Ok(Json(ListResponse::from_page(page_of(all, &paging)?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateResource {
    #[schema(value_type = String)]
    resource_type: ResourceType,
    name: String,
    #[serde(default, deserialize_with = "crate::api::ids::optional_id")]
    parent_id: Option<i64>,
}

/// `POST /resources {resourceType, name, parentId?}` (a workspace's parent is its cluster).
#[utoipa::path(
    post,
    path = "/resources",
    tag = "resources",
    request_body = CreateResource,
    responses((status = 201, body = DataResponse<ResourceDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<CreateResource>,
) -> Result<(StatusCode, Json<DataResponse<ResourceDetailJson>>), ApiError> {
    let created = caller
        .scope()
        .create_resource(NewResource {
            resource_type: body.resource_type,
            name: body.name,
            parent_id: body.parent_id.map(ResourceId),
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("parent_id", "parentId")]))?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: created.into(),
        }),
    ))
}

/// `GET /resources/{id}` with its collaborators.
#[utoipa::path(
    get,
    path = "/resources/{id}",
    tag = "resources",
    params(("id" = String, Path, description = "Resource id")),
    responses((status = 200, body = DataResponse<ResourceDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<ResourceDetailJson>>, ApiError> {
    let detail = caller.scope().get_resource(ResourceId(id)).await?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}

/// `DELETE /resources/{id}`.
#[utoipa::path(
    delete,
    path = "/resources/{id}",
    tag = "resources",
    params(("id" = String, Path, description = "Resource id")),
    responses((status = 200, description = "Deleted: `{}`", body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, ApiPath(id): ApiPath<i64>) -> Result<Json<Empty>, ApiError> {
    caller.scope().delete_resource(ResourceId(id)).await?;
    Ok(Json(Empty {}))
}

/// A resource named by type and id, as seed 004's calls name them.
struct ResourceKey {
    resource_type: ResourceType,
    resource_id: i64,
}

/// The resource, when it exists in the caller's tenant and has that type (else seed 004's
/// "Resource not found"), for the collaborator endpoints: a refusal answers as they do.
async fn resource_of(caller: &Caller, key: &ResourceKey) -> Result<ResourceDetail, ApiError> {
    let detail = caller
        .scope()
        .get_resource(ResourceId(key.resource_id))
        .await
        .map_err(ApiError::access_control)?;
    if detail.resource.resource_type != key.resource_type {
        return Err(DomainError::NotFound("resource".into()).into());
    }
    Ok(detail)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListCollaborators {
    #[param(value_type = String)]
    resource_type: ResourceType,
    resource_id: i64,
    limit: Option<u64>,
    offset: Option<u64>,
}

/// `GET /collaborators?resourceType&resourceId&limit&offset`.
#[utoipa::path(
    get,
    path = "/collaborators",
    tag = "collaborators",
    params(ListCollaborators),
    responses((status = 200, body = ListResponse<CollaboratorJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list_collaborators(
    caller: Caller,
    ApiQuery(query): ApiQuery<ListCollaborators>,
) -> Result<Json<ListResponse<CollaboratorJson>>, ApiError> {
    let page = caller
        .scope()
        .list_collaborators(
            query.resource_type,
            ResourceId(query.resource_id),
            CollaboratorQuery {
                limit: query.limit,
                offset: query.offset,
            },
        )
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(ListResponse::from_page(page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddCollaborator {
    #[schema(value_type = String)]
    resource_type: ResourceType,
    #[serde(deserialize_with = "crate::api::ids::id")]
    resource_id: i64,
    subject: String,
    #[serde(deserialize_with = "crate::api::ids::id")]
    role_id: i64,
}

/// `POST /collaborators {resourceType, resourceId, subject, roleId}`.
#[utoipa::path(
    post,
    path = "/collaborators",
    tag = "collaborators",
    request_body = AddCollaborator,
    responses((status = 201, body = DataResponse<ResourceDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn add_collaborator(
    caller: Caller,
    ApiJson(body): ApiJson<AddCollaborator>,
) -> Result<(StatusCode, Json<DataResponse<ResourceDetailJson>>), ApiError> {
    let key = ResourceKey {
        resource_type: body.resource_type,
        resource_id: body.resource_id,
    };
    resource_of(&caller, &key).await?;
    let detail = caller
        .scope()
        .add_collaborator(NewCollaborator {
            resource_id: ResourceId(body.resource_id),
            subject: body.subject,
            role_id: RoleId(body.role_id),
        })
        .await
        .map_err(ApiError::access_control)?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: detail.into(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveCollaborator {
    #[schema(value_type = String)]
    resource_type: ResourceType,
    #[serde(deserialize_with = "crate::api::ids::id")]
    resource_id: i64,
    subject: String,
}

/// `DELETE /collaborators {resourceType, resourceId, subject}`: every role of that subject on
/// the resource.
#[utoipa::path(
    delete,
    path = "/collaborators",
    tag = "collaborators",
    request_body = RemoveCollaborator,
    responses((status = 200, body = DataResponse<ResourceDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn remove_collaborator(
    caller: Caller,
    ApiJson(body): ApiJson<RemoveCollaborator>,
) -> Result<Json<DataResponse<ResourceDetailJson>>, ApiError> {
    let key = ResourceKey {
        resource_type: body.resource_type,
        resource_id: body.resource_id,
    };
    resource_of(&caller, &key).await?;
    let detail = caller
        .scope()
        .remove_subject_grants(ResourceId(body.resource_id), &body.subject)
        .await
        .map_err(ApiError::access_control)?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckAccess {
    subject: String,
    permission: String,
    #[param(value_type = String)]
    resource_type: ResourceType,
    resource_id: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessJson {
    allowed: bool,
    paths: Vec<PathJson>,
    /// Why nothing counts, when something overrides the paths (a deactivated user).
    blocked: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PathJson {
    #[schema(value_type = String)]
    kind: domain::dto::AccessPathKind,
    via_team: Option<String>,
    role: String,
    on_parent: Option<String>,
    /// The console's wording, e.g. "team ml-engineers -> Workspace Viewer".
    description: String,
}

impl From<AccessPath> for PathJson {
    fn from(p: AccessPath) -> Self {
        PathJson {
            description: p.describe(),
            kind: p.kind,
            via_team: p.via_team,
            role: p.role,
            on_parent: p.on_parent,
        }
    }
}

impl From<AccessAnswer> for AccessJson {
    fn from(a: AccessAnswer) -> Self {
        AccessJson {
            allowed: a.allowed,
            paths: a.paths.into_iter().map(Into::into).collect(),
            blocked: a.blocked,
        }
    }
}

/// `GET /access/check?subject&permission&resourceType&resourceId`: the Check access panel's
/// answer, from the same function that enforces access.
#[utoipa::path(
    get,
    path = "/access/check",
    tag = "access",
    params(CheckAccess),
    responses((status = 200, body = AccessJson), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn check(
    caller: Caller,
    ApiQuery(query): ApiQuery<CheckAccess>,
) -> Result<Json<AccessJson>, ApiError> {
    let key = ResourceKey {
        resource_type: query.resource_type,
        resource_id: query.resource_id,
    };
    resource_of(&caller, &key).await?;
    let answer = caller
        .scope()
        .check_access(AccessQuestion {
            subject: query.subject,
            permission: query.permission,
            resource_id: ResourceId(query.resource_id),
        })
        .await?;
    Ok(Json(answer.into()))
}
