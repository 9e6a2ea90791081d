//! `/personal-access-tokens`: the caller's own tokens, tokens for another user, and revoking
//! all of a user's.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, ListResponse, SubjectJson, Viewer};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{IssuedToken, NewToken, TokenQuery, TokenRow, TokenStatus, UserKey, UserRef};
use domain::ids::TokenId;
use serde::{Deserialize, Serialize};

/// A personal access token as the API shows it (never its value, except once at creation), in
/// the shape TrueFoundry's SDK reads token lists in (`type`, `tenantName`, `createdBySubject`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: TokenId,
    /// `personal-access-token`.
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    tenant_name: String,
    account_id: String,
    /// The token's owner.
    created_by_subject: SubjectJson,
    created_at: DateTime<Utc>,
    /// A token's record changes only when it is revoked; until then this is its creation.
    updated_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    is_expired: bool,
    last_used_at: Option<DateTime<Utc>>,
    /// TrueFoundry's name for `lastUsedAt`.
    last_accessed_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    #[schema(value_type = String)]
    status: TokenStatus,
}

impl TokenJson {
    fn new(row: TokenRow, owner: UserRef, viewer: &Viewer) -> Self {
        TokenJson {
            id: row.id,
            kind: "personal-access-token",
            name: row.name,
            tenant_name: viewer.tenant_name(),
            account_id: viewer.account_id(),
            created_by_subject: SubjectJson::user(Some(owner)),
            created_at: row.created_at,
            updated_at: row.created_at,
            expires_at: row.expires_at,
            is_expired: row.status == TokenStatus::Expired,
            last_used_at: row.last_used_at,
            last_accessed_at: row.last_used_at,
            last_used_ip: row.last_used_ip,
            status: row.status,
        }
    }
}

/// The caller, as the owner of their own tokens.
fn me(viewer: &Viewer) -> UserRef {
    UserRef {
        id: viewer.me.id,
        email: viewer.me.email.clone(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListTokens {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the name.
    name_search_query: Option<String>,
}

/// `GET /personal-access-tokens?limit&offset&nameSearchQuery`: the caller's tokens, newest
/// first.
#[utoipa::path(
    get,
    path = "/personal-access-tokens",
    tag = "personal-access-tokens",
    params(ListTokens),
    responses((status = 200, body = ListResponse<TokenJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(params): ApiQuery<ListTokens>,
) -> Result<Json<ListResponse<TokenJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let own = caller
        .scope()
        .list_own_tokens(TokenQuery {
            search: params.name_search_query,
            limit: params.limit,
            offset: params.offset,
        })
        .await?;
    Ok(Json(ListResponse::from_page_with(own.page, |row| {
        TokenJson::new(row, me(&viewer), &viewer)
    })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateToken {
    name: String,
    /// A date (`2030-01-31`, the end of that day UTC) or a time (RFC 3339).
    #[serde(default, deserialize_with = "crate::api::dates::optional_expiry")]
    #[schema(value_type = Option<String>)]
    expiration_date: Option<DateTime<Utc>>,
    /// A team the token's owner belongs to (checked); the token acts with its owner's access,
    /// whatever the team.
    team_name: Option<String>,
    /// Only the tenant (the root account) until accounts exist.
    account_name: Option<String>,
    /// `opaque` (Latchkey's tokens are opaque: a keyed hash finds them).
    token_type: Option<String>,
}

impl CreateToken {
    /// The token to make, after checking the inputs Latchkey only accepts in one form.
    fn into_new_token(self, owner_teams: &[String], viewer: &Viewer) -> Result<NewToken, ApiError> {
        if let Some(kind) = self.token_type.as_deref()
            && kind != "opaque"
        {
            return Err(ApiError::invalid(
                "tokenType",
                format!("Latchkey issues opaque tokens only (tokenType opaque), not {kind}."),
            ));
        }
        if let Some(account) = self.account_name.as_deref()
            && !viewer.is_tenant(account)
        {
            return Err(ApiError::invalid(
                "accountName",
                format!(
                    "Tokens belong to the tenant ({}) until accounts exist.",
                    viewer.tenant_name()
                ),
            ));
        }
        if let Some(team) = self.team_name.as_deref()
            && !owner_teams.iter().any(|t| t == team)
        {
            return Err(ApiError::invalid(
                "teamName",
                format!("The token's owner is not a member of a team named {team}."),
            ));
        }
        Ok(NewToken {
            name: self.name,
            expires_at: self.expiration_date,
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    /// The token's value: shown only in this answer.
    token: String,
    data: TokenJson,
}

impl CreatedToken {
    fn new(issued: IssuedToken, owner: UserRef, viewer: &Viewer) -> Self {
        CreatedToken {
            token: issued.value,
            data: TokenJson::new(issued.token, owner, viewer),
        }
    }
}

fn token_error(e: domain::DomainError) -> ApiError {
    ApiError::naming_fields(e, &[("expires_at", "expirationDate")])
}

/// `POST /personal-access-tokens {name, expirationDate?, teamName?}`: 201 with the token,
/// once.
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
    let viewer = Viewer::of(&caller).await?;
    let team_names: Vec<String> = viewer.me.teams.iter().map(|t| t.name.clone()).collect();
    let new = body.into_new_token(&team_names, &viewer)?;
    let issued = caller
        .scope()
        .create_own_token(new)
        .await
        .map_err(token_error)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken::new(issued, me(&viewer), &viewer)),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTokenForUser {
    name: String,
    user_email: String,
    #[serde(default, deserialize_with = "crate::api::dates::optional_expiry")]
    #[schema(value_type = Option<String>)]
    expiration_date: Option<DateTime<Utc>>,
    /// A team the user belongs to (checked; the token acts with the user's access).
    team_name: Option<String>,
}

/// `POST /personal-access-tokens/for-user {name, userEmail, expirationDate?, teamName?}`
/// (an Admin only: the token carries whatever the user comes to hold): 201 with the token, once.
#[utoipa::path(
    post,
    path = "/personal-access-tokens/for-user",
    tag = "personal-access-tokens",
    request_body = CreateTokenForUser,
    responses((status = 201, body = CreatedToken), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create_for_user(
    caller: Caller,
    ApiJson(body): ApiJson<CreateTokenForUser>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let scope = caller.scope();
    if let Some(team) = body.team_name.as_deref() {
        let in_team = scope
            .get_team_by_name(team)
            .await
            .map_err(|e| ApiError::from(e).with_field_names(&[("name", "teamName")]))?
            .members
            .iter()
            .any(|m| m.email.eq_ignore_ascii_case(body.user_email.trim()));
        if !in_team {
            return Err(ApiError::invalid(
                "teamName",
                format!("{} is not a member of team {team}.", body.user_email),
            ));
        }
    }
    let (owner, issued) = scope
        .create_user_token(
            UserKey::Email(body.user_email),
            NewToken {
                name: body.name,
                expires_at: body.expiration_date,
            },
        )
        .await
        .map_err(|e| {
            ApiError::naming_fields(
                e,
                &[("expires_at", "expirationDate"), ("email", "userEmail")],
            )
        })?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken::new(issued, owner, &viewer)),
    ))
}

/// `DELETE /personal-access-tokens/{id}`: revokes one of the caller's tokens. Answers the
/// revoked token.
#[utoipa::path(
    delete,
    path = "/personal-access-tokens/{id}",
    tag = "personal-access-tokens",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 200, body = DataResponse<TokenJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn revoke(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<TokenJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let row = caller.scope().revoke_own_token(TokenId(id)).await?;
    Ok(Json(DataResponse {
        data: TokenJson::new(row, me(&viewer), &viewer),
    }))
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
