//! `/personal-access-tokens`: the caller's own tokens, and revoking all of a user's.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiQuery, Caller, Paging};
use crate::api::shapes::{DataResponse, ListResponse};
use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{NewToken, TokenQuery, TokenRow, TokenStatus, UserKey};
use domain::ids::TokenId;
use serde::{Deserialize, Serialize};

/// A personal access token as the API shows it (never its value, except once at creation).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenJson {
    #[schema(value_type = i64)]
    id: TokenId,
    name: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    #[schema(value_type = String)]
    status: TokenStatus,
}

impl From<TokenRow> for TokenJson {
    fn from(row: TokenRow) -> Self {
        TokenJson {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_used_at: row.last_used_at,
            last_used_ip: row.last_used_ip,
            status: row.status,
        }
    }
}

/// `GET /personal-access-tokens?limit&offset`: the caller's tokens, newest first.
#[utoipa::path(
    get,
    path = "/personal-access-tokens",
    tag = "personal-access-tokens",
    params(Paging),
    responses((status = 200, body = ListResponse<TokenJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<ListResponse<TokenJson>>, ApiError> {
    let own = caller
        .scope()
        .list_own_tokens(TokenQuery {
            limit: paging.limit,
            offset: paging.offset,
        })
        .await?;
    Ok(Json(ListResponse::from_page(own.page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateToken {
    name: String,
    /// RFC 3339, e.g. `2027-01-31T23:59:59Z`.
    expiration_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// The token's value: shown only in this answer.
    token: String,
    data: TokenJson,
}

/// `POST /personal-access-tokens {name, expirationDate?}`: 201 with the token, once.
#[utoipa::path(
    post,
    path = "/personal-access-tokens",
    tag = "personal-access-tokens",
    request_body = CreateToken,
    responses((status = 201, body = CreatedToken), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let issued = caller
        .scope()
        .create_own_token(NewToken {
            name: body.name,
            expires_at: body.expiration_date,
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("expires_at", "expirationDate")]))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: issued.value,
            data: issued.token.into(),
        }),
    ))
}

/// `DELETE /personal-access-tokens/{id}`: revokes one of the caller's tokens.
#[utoipa::path(
    delete,
    path = "/personal-access-tokens/{id}",
    tag = "personal-access-tokens",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 200, body = DataResponse<TokenJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn revoke(
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<DataResponse<TokenJson>>, ApiError> {
    let row = caller.scope().revoke_own_token(TokenId(id)).await?;
    Ok(Json(DataResponse { data: row.into() }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeAll {
    email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revoked {
    revoked: u64,
}

/// `DELETE /personal-access-tokens/revoke/all {email}`: revokes every token of a user
/// (user:ManageUsers).
#[utoipa::path(
    delete,
    path = "/personal-access-tokens/revoke/all",
    tag = "personal-access-tokens",
    request_body = RevokeAll,
    responses((status = 200, body = Revoked), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn revoke_all(
    caller: Caller,
    ApiJson(body): ApiJson<RevokeAll>,
) -> Result<Json<Revoked>, ApiError> {
    let revoked = caller
        .scope()
        .revoke_user_tokens(UserKey::Email(body.email))
        .await?;
    Ok(Json(Revoked { revoked }))
}
