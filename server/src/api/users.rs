//! `/users`: the tenant's users.

use crate::api::ApiError;
use crate::api::extract::{ApiQuery, Caller};
use crate::api::shapes::ListResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::dto::{RoleManagedBy, UserQuery, UserRow, UserStatus};
use domain::ids::UserId;
use serde::{Deserialize, Serialize};

/// A user as the API shows them, with TrueFoundry's `metadata.tenantRoleManagedBy`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    id: UserId,
    email: String,
    display_name: String,
    /// The tenant role's name, e.g. `tenant-admin`.
    roles: Vec<String>,
    status: UserStatus,
    teams: Vec<String>,
    last_login_at: Option<DateTime<Utc>>,
    metadata: UserMetadata,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserMetadata {
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListUsers {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the email or name.
    query: Option<String>,
}

/// `GET /users?limit&offset&query` (user:ListUsers).
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
