//! `/virtual-accounts`: accounts for applications, their tokens and regeneration.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, ListResponse};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    NewVirtualAccount, UserGrant, VirtualAccountDetail, VirtualAccountQuery, VirtualAccountSummary,
    VirtualAccountTokenRow,
};
use domain::ids::{TeamId, VirtualAccountId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualAccountJson {
    #[schema(value_type = i64)]
    id: VirtualAccountId,
    name: String,
    /// `virtualaccount:<name>`, as collaborator grants name it.
    subject: String,
    #[schema(value_type = i64)]
    owner_team_id: TeamId,
    owner_team: String,
    expiration_date: Option<DateTime<Utc>>,
    expired: bool,
    created_at: DateTime<Utc>,
    created_by: Option<String>,
}

impl From<VirtualAccountSummary> for VirtualAccountJson {
    fn from(a: VirtualAccountSummary) -> Self {
        VirtualAccountJson {
            id: a.id,
            subject: format!("virtualaccount:{}", a.name),
            name: a.name,
            owner_team_id: a.owner_team.id,
            owner_team: a.owner_team.name,
            expiration_date: a.expires_at,
            expired: a.expired,
            created_at: a.created_at,
            created_by: a.created_by,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountTokenJson {
    #[schema(value_type = i64)]
    id: domain::ids::TokenId,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    #[schema(value_type = String)]
    status: domain::dto::TokenStatus,
    current: bool,
}

impl From<VirtualAccountTokenRow> for AccountTokenJson {
    fn from(t: VirtualAccountTokenRow) -> Self {
        AccountTokenJson {
            id: t.id,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            last_used_ip: t.last_used_ip,
            status: t.status,
            current: t.current,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrantJson {
    #[schema(value_type = String)]
    resource_type: domain::resources::ResourceType,
    #[schema(value_type = i64)]
    resource_id: domain::ids::ResourceId,
    resource_name: String,
    role: String,
}

impl From<UserGrant> for GrantJson {
    fn from(g: UserGrant) -> Self {
        GrantJson {
            resource_type: g.resource.resource_type,
            resource_id: g.resource.id,
            resource_name: g.resource.name,
            role: g.role,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualAccountDetailJson {
    #[serde(flatten)]
    account: VirtualAccountJson,
    tokens: Vec<AccountTokenJson>,
    grants: Vec<GrantJson>,
}

impl From<VirtualAccountDetail> for VirtualAccountDetailJson {
    fn from(d: VirtualAccountDetail) -> Self {
        VirtualAccountDetailJson {
            account: d.account.into(),
            tokens: d.tokens.into_iter().map(Into::into).collect(),
            grants: d.grants.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAccounts {
    limit: Option<u64>,
    offset: Option<u64>,
    query: Option<String>,
}

/// `GET /virtual-accounts?limit&offset&query`.
#[utoipa::path(
    get,
    path = "/virtual-accounts",
    tag = "virtual-accounts",
    params(ListAccounts),
    responses((status = 200, body = ListResponse<VirtualAccountJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(params): ApiQuery<ListAccounts>,
) -> Result<Json<ListResponse<VirtualAccountJson>>, ApiError> {
    let page = caller
        .scope()
        .list_virtual_accounts(VirtualAccountQuery {
            search: params.query,
            limit: params.limit,
            offset: params.offset,
        })
        .await?;
    Ok(Json(ListResponse::from_page(page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAccount {
    name: String,
    owner_team_id: i64,
    expiration_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedAccount {
    data: VirtualAccountDetailJson,
    /// The account's first token (its managers can fetch it again).
    token: String,
}

/// `POST /virtual-accounts {name, ownerTeamId, expirationDate?}`: 201 with the first token.
#[utoipa::path(
    post,
    path = "/virtual-accounts",
    tag = "virtual-accounts",
    request_body = CreateAccount,
    responses((status = 201, body = CreatedAccount), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<CreateAccount>,
) -> Result<(StatusCode, Json<CreatedAccount>), ApiError> {
    let created = caller
        .scope()
        .create_virtual_account(NewVirtualAccount {
            name: body.name,
            owner_team_id: TeamId(body.owner_team_id),
            expires_at: body.expiration_date,
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("expires_at", "expirationDate")]))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccount {
            data: created.detail.into(),
            token: created.token,
        }),
    ))
}

/// `GET /virtual-accounts/{id}`.
#[utoipa::path(
    get,
    path = "/virtual-accounts/{id}",
    tag = "virtual-accounts",
    params(("id" = i64, Path, description = "Virtual account id")),
    responses((status = 200, body = DataResponse<VirtualAccountDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<DataResponse<VirtualAccountDetailJson>>, ApiError> {
    let detail = caller
        .scope()
        .get_virtual_account(VirtualAccountId(id))
        .await?;
    Ok(Json(DataResponse {
        data: detail.into(),
    }))
}

/// `DELETE /virtual-accounts/{id}`: the account, its tokens and its grants.
#[utoipa::path(
    delete,
    path = "/virtual-accounts/{id}",
    tag = "virtual-accounts",
    params(("id" = i64, Path, description = "Virtual account id")),
    responses((status = 204, description = "Deleted"), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    caller
        .scope()
        .delete_virtual_account(VirtualAccountId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenValue {
    token: String,
}

/// `GET /virtual-accounts/{id}/token` (virtual-account:ManageVirtualAccount).
#[utoipa::path(
    get,
    path = "/virtual-accounts/{id}/token",
    tag = "virtual-accounts",
    params(("id" = i64, Path, description = "Virtual account id")),
    responses((status = 200, body = TokenValue), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn token(caller: Caller, Path(id): Path<i64>) -> Result<Json<TokenValue>, ApiError> {
    let token = caller
        .scope()
        .virtual_account_token(VirtualAccountId(id))
        .await?;
    Ok(Json(TokenValue { token }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Regenerate {
    grace_period_in_days: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Regenerated {
    token: String,
    previous_token_valid_until: Option<DateTime<Utc>>,
}

/// `POST /virtual-accounts/{id}/regenerate-token {gracePeriodInDays}`.
#[utoipa::path(
    post,
    path = "/virtual-accounts/{id}/regenerate-token",
    tag = "virtual-accounts",
    params(("id" = i64, Path, description = "Virtual account id")),
    request_body = Regenerate,
    responses((status = 200, body = Regenerated), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn regenerate_token(
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Regenerate>,
) -> Result<Json<Regenerated>, ApiError> {
    let regenerated = caller
        .scope()
        .regenerate_virtual_account_token(VirtualAccountId(id), body.grace_period_in_days)
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("grace_period_days", "gracePeriodInDays")]))?;
    Ok(Json(Regenerated {
        token: regenerated.token,
        previous_token_valid_until: regenerated.previous_valid_until,
    }))
}
