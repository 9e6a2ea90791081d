//! `/virtual-accounts`: accounts for applications, their tokens and regeneration.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use crate::api::shapes::{DataResponse, Empty, ListResponse, SubjectJson, Viewer};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::dto::{
    GracePeriod, NewVirtualAccount, UserGrant, VirtualAccountChanges, VirtualAccountDetail,
    VirtualAccountQuery, VirtualAccountSummary, VirtualAccountTokenRow,
};
use domain::ids::{TeamId, VirtualAccountId};
use serde::{Deserialize, Serialize};

/// A virtual account: TrueFoundry's `VirtualAccount` (its SDK parses it strictly: `type`,
/// `tenantName`, `accountId`, `createdBySubject`), with Latchkey's own fields beside.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VirtualAccountJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: VirtualAccountId,
    /// `virtual-account`.
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    /// `virtualaccount:<name>`, as collaborator grants name it.
    subject: String,
    tenant_name: String,
    account_id: String,
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    owner_team_id: TeamId,
    owner_team: String,
    expiration_date: Option<DateTime<Utc>>,
    expired: bool,
    /// TrueFoundry's name for `expired`.
    is_expired: bool,
    description: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The creator's email, while that user exists.
    created_by: Option<String>,
    created_by_subject: SubjectJson,
    /// The account as configuration, as `PUT /virtual-accounts` and `PUT /apply` take it.
    manifest: AccountManifestJson,
}

/// TrueFoundry's virtual-account manifest (`type: virtual-account`), as far as Latchkey keeps
/// it: keys as TrueFoundry writes them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountManifestJson {
    #[serde(rename = "type")]
    kind: &'static str,
    name: String,
    #[serde(rename = "ownedBy")]
    owned_by: OwnedByJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_date: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OwnedByJson {
    team: String,
}

impl VirtualAccountJson {
    pub fn new(a: VirtualAccountSummary, viewer: &Viewer) -> Self {
        VirtualAccountJson {
            id: a.id,
            kind: "virtual-account",
            subject: format!("virtualaccount:{}", a.name),
            manifest: AccountManifestJson {
                kind: "virtual-account",
                name: a.name.clone(),
                owned_by: OwnedByJson {
                    team: a.owner_team.name.clone(),
                },
                expiration_date: a.expires_at.map(|at| at.to_rfc3339()),
            },
            name: a.name,
            tenant_name: viewer.tenant_name(),
            account_id: viewer.account_id(),
            owner_team_id: a.owner_team.id,
            owner_team: a.owner_team.name,
            expiration_date: a.expires_at,
            expired: a.expired,
            is_expired: a.expired,
            description: a.description,
            created_at: a.created_at,
            updated_at: a.updated_at,
            created_by: a.created_by.as_ref().map(|u| u.email.clone()),
            created_by_subject: SubjectJson::user(a.created_by),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountTokenJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
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
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
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

impl VirtualAccountDetailJson {
    pub fn new(d: VirtualAccountDetail, viewer: &Viewer) -> Self {
        VirtualAccountDetailJson {
            account: VirtualAccountJson::new(d.account, viewer),
            tokens: d.tokens.into_iter().map(Into::into).collect(),
            grants: d.grants.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListAccounts {
    limit: Option<u64>,
    offset: Option<u64>,
    /// A case-insensitive part of the name.
    query: Option<String>,
    /// TrueFoundry's name for `query`.
    name_search_query: Option<String>,
    /// Only accounts owned by these teams (by name; repeat the key for several).
    #[serde(default)]
    owned_by_teams: Vec<String>,
    /// Only expired accounts (`true`), or only usable ones (`false`).
    is_expired: Option<bool>,
    /// Not supported: refused with a message (use `nameSearchQuery`, `ownedByTeams`).
    filter: Option<String>,
}

/// `GET /virtual-accounts?limit&offset&nameSearchQuery&ownedByTeams&isExpired`.
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
    if params.filter.is_some() {
        return Err(ApiError::invalid(
            "filter",
            "filter is not supported here: use nameSearchQuery, ownedByTeams and isExpired.",
        ));
    }
    let viewer = Viewer::of(&caller).await?;
    let page = caller
        .scope()
        .list_virtual_accounts(VirtualAccountQuery {
            search: params.name_search_query.or(params.query),
            owner_teams: params.owned_by_teams,
            expired: params.is_expired,
            limit: params.limit,
            offset: params.offset,
            name: None,
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("search", "nameSearchQuery")]))?;
    Ok(Json(ListResponse::from_page_with(page, |a| {
        VirtualAccountJson::new(a, &viewer)
    })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAccount {
    name: String,
    #[serde(deserialize_with = "crate::api::ids::id")]
    owner_team_id: i64,
    #[serde(default, deserialize_with = "crate::api::dates::optional_expiry")]
    #[schema(value_type = Option<String>)]
    expiration_date: Option<DateTime<Utc>>,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedAccount {
    data: VirtualAccountDetailJson,
    /// The account's first token (its managers can fetch it again); absent when nothing was
    /// created.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// `POST /virtual-accounts {name, ownerTeamId, expirationDate?, description?}`: 201 with the
/// first token.
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
    let viewer = Viewer::of(&caller).await?;
    let created = caller
        .scope()
        .create_virtual_account(NewVirtualAccount {
            name: body.name,
            owner_team_id: TeamId(body.owner_team_id),
            expires_at: body.expiration_date,
            description: body.description,
        })
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("expires_at", "expirationDate")]))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccount {
            data: VirtualAccountDetailJson::new(created.detail, &viewer),
            token: Some(created.token),
        }),
    ))
}

/// `GET /virtual-accounts/{id}`.
#[utoipa::path(
    get,
    path = "/virtual-accounts/{id}",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id")),
    responses((status = 200, body = DataResponse<VirtualAccountDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<VirtualAccountDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller
        .scope()
        .get_virtual_account(VirtualAccountId(id))
        .await?;
    Ok(Json(DataResponse {
        data: VirtualAccountDetailJson::new(detail, &viewer),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateAccount {
    #[serde(deserialize_with = "crate::api::ids::id")]
    owner_team_id: i64,
    /// Absent or `null`: the account does not expire.
    #[serde(default, deserialize_with = "crate::api::dates::optional_expiry")]
    #[schema(value_type = Option<String>)]
    expiration_date: Option<DateTime<Utc>>,
    #[serde(default)]
    description: String,
}

/// `PUT /virtual-accounts/{id} {ownerTeamId, expirationDate?, description?}`: the account's
/// settings as given (its name is fixed).
#[utoipa::path(
    put,
    path = "/virtual-accounts/{id}",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id")),
    request_body = UpdateAccount,
    responses((status = 200, body = DataResponse<VirtualAccountDetailJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn update(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<UpdateAccount>,
) -> Result<Json<DataResponse<VirtualAccountDetailJson>>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let detail = caller
        .scope()
        .update_virtual_account(
            VirtualAccountId(id),
            VirtualAccountChanges {
                owner_team_id: TeamId(body.owner_team_id),
                expires_at: body.expiration_date,
                description: body.description,
            },
        )
        .await
        .map_err(|e| {
            ApiError::naming_fields(
                e,
                &[
                    ("expires_at", "expirationDate"),
                    ("owner_team_id", "ownerTeamId"),
                ],
            )
        })?;
    Ok(Json(DataResponse {
        data: VirtualAccountDetailJson::new(detail, &viewer),
    }))
}

/// `DELETE /virtual-accounts/{id}`: the account, its tokens and its grants.
#[utoipa::path(
    delete,
    path = "/virtual-accounts/{id}",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id")),
    responses((status = 200, body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(caller: Caller, ApiPath(id): ApiPath<i64>) -> Result<Json<Empty>, ApiError> {
    caller
        .scope()
        .delete_virtual_account(VirtualAccountId(id))
        .await?;
    Ok(Json(Empty {}))
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
    params(("id" = String, Path, description = "Virtual account id")),
    responses((status = 200, body = TokenValue), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn token(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TokenValue>, ApiError> {
    let token = caller
        .scope()
        .virtual_account_token(VirtualAccountId(id))
        .await?;
    Ok(Json(TokenValue { token }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Regenerate {
    /// How long the replaced token keeps working, in days (0 to 30)...
    grace_period_in_days: Option<u32>,
    /// ...or in minutes, as TrueFoundry's SDK gives it (rounded up to a whole minute).
    grace_period_in_minutes: Option<f64>,
}

impl Regenerate {
    fn grace(&self) -> Result<GracePeriod, ApiError> {
        match (self.grace_period_in_days, self.grace_period_in_minutes) {
            (Some(days), None) => Ok(GracePeriod::days(days)),
            (None, Some(minutes)) if minutes.is_finite() && minutes >= 0.0 => {
                let whole = minutes.ceil();
                // Past u32 is past any allowed grace period; the domain says how long it may be.
                Ok(GracePeriod::minutes(if whole > f64::from(u32::MAX) {
                    u32::MAX
                } else {
                    whole as u32
                }))
            }
            (None, Some(_)) => Err(ApiError::invalid(
                "gracePeriodInMinutes",
                "gracePeriodInMinutes is a number of minutes, 0 or more.",
            )),
            _ => Err(ApiError::invalid(
                "gracePeriodInDays",
                "Give the grace period once: gracePeriodInDays or gracePeriodInMinutes.",
            )),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Regenerated {
    token: String,
    previous_token_valid_until: Option<DateTime<Utc>>,
}

/// `POST /virtual-accounts/{id}/regenerate-token {gracePeriodInDays | gracePeriodInMinutes}`.
#[utoipa::path(
    post,
    path = "/virtual-accounts/{id}/regenerate-token",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id")),
    request_body = Regenerate,
    responses((status = 200, body = Regenerated), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn regenerate_token(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<Regenerate>,
) -> Result<Json<Regenerated>, ApiError> {
    let grace = body.grace()?;
    let field = if body.grace_period_in_minutes.is_some() {
        "gracePeriodInMinutes"
    } else {
        "gracePeriodInDays"
    };
    let regenerated = caller
        .scope()
        .regenerate_virtual_account_token(VirtualAccountId(id), grace)
        .await
        .map_err(|e| ApiError::naming_fields(e, &[("grace_period_days", field)]))?;
    Ok(Json(Regenerated {
        token: regenerated.token,
        previous_token_valid_until: regenerated.previous_valid_until,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Exists {
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExistsJson {
    exists: bool,
}

/// `GET /virtual-accounts/exists?name=`: whether an account of that name is among those the
/// caller may list.
#[utoipa::path(
    get,
    path = "/virtual-accounts/exists",
    tag = "virtual-accounts",
    params(Exists),
    responses((status = 200, body = ExistsJson), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn exists(
    caller: Caller,
    ApiQuery(params): ApiQuery<Exists>,
) -> Result<Json<ExistsJson>, ApiError> {
    let found = account_named(&caller.scope(), &params.name).await?;
    Ok(Json(ExistsJson {
        exists: found.is_some(),
    }))
}

/// The account named exactly `name`, among those the caller may list.
pub async fn account_named(
    scope: &domain::Scope<'_>,
    name: &str,
) -> Result<Option<VirtualAccountSummary>, ApiError> {
    let page = scope
        .list_virtual_accounts(VirtualAccountQuery {
            name: Some(name.to_string()),
            ..VirtualAccountQuery::default()
        })
        .await?;
    Ok(page.items.into_iter().next())
}

/// TrueFoundry's virtual-account manifest as `PUT /virtual-accounts` and `PUT /apply` take
/// it (keys as its SDK sends them). What Latchkey does not do is refused by name, never
/// dropped: a manifest kept in git must mean here what it says.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountManifestInput {
    /// `virtual-account` when given.
    #[serde(rename = "type")]
    kind: Option<String>,
    name: String,
    /// `{team, account?}`: the owner team, by name (required to create).
    #[serde(rename = "ownedBy")]
    #[schema(value_type = Option<Object>)]
    owned_by: Option<AccountOwner>,
    /// A date (`2030-01-31`) or a time; absent: the account does not expire.
    #[serde(default, deserialize_with = "crate::api::dates::optional_expiry")]
    #[schema(value_type = Option<String>)]
    expiration_date: Option<DateTime<Utc>>,
    /// Free text (Latchkey's own field).
    description: Option<String>,
    /// Must be empty: grant roles with `POST /collaborators` (subject `virtualaccount:<name>`).
    #[schema(value_type = Option<Vec<Object>>)]
    permissions: Option<Vec<serde_json::Value>>,
    /// `opaque` only.
    token_type: Option<String>,
    #[schema(value_type = Option<Object>)]
    auto_rotate: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    notification_target: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    secret_store_config: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    tags: Option<serde_json::Value>,
    #[schema(value_type = Option<Vec<Object>>)]
    identity_provider_mapping: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountOwner {
    team: String,
    account: Option<String>,
}

impl AccountManifestInput {
    /// 400 naming the first part of the manifest Latchkey does not keep.
    fn refuse_unsupported(&self, viewer: &Viewer) -> Result<(), ApiError> {
        if let Some(kind) = &self.kind
            && kind != "virtual-account"
        {
            return Err(ApiError::invalid(
                "manifest.type",
                format!("This manifest is a virtual account's: type virtual-account, not {kind}."),
            ));
        }
        let present = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .is_some_and(|v| !v.is_null() && v != &serde_json::json!({}))
        };
        let unsupported = [
            (
                present(&self.auto_rotate),
                "manifest.auto_rotate",
                "Latchkey does not rotate tokens on a schedule: regenerate with POST /virtual-accounts/{id}/regenerate-token.",
            ),
            (
                present(&self.notification_target),
                "manifest.notification_target",
                "Latchkey sends no token notifications: leave notification_target out.",
            ),
            (
                present(&self.secret_store_config),
                "manifest.secret_store_config",
                "Latchkey has no secret-store integration: fetch the token with GET /virtual-accounts/{id}/token and store it yourself.",
            ),
            (
                present(&self.tags),
                "manifest.tags",
                "Latchkey keeps no tags on virtual accounts: leave tags out.",
            ),
            (
                self.identity_provider_mapping
                    .as_ref()
                    .is_some_and(|m| !m.is_empty()),
                "manifest.identity_provider_mapping",
                "Virtual accounts are not mapped from identity providers here: leave identity_provider_mapping out.",
            ),
            (
                self.permissions.as_ref().is_some_and(|p| !p.is_empty()),
                "manifest.permissions",
                "Grant a virtual account roles with POST /collaborators (subject virtualaccount:<name>), where each grant follows the granting rule; leave permissions out.",
            ),
            (
                self.token_type.as_deref().is_some_and(|t| t != "opaque"),
                "manifest.token_type",
                "Latchkey issues opaque tokens only (token_type opaque).",
            ),
        ];
        if let Some((_, field, message)) = unsupported.into_iter().find(|(bad, ..)| *bad) {
            return Err(ApiError::invalid(field, message));
        }
        if let Some(account) = self.owned_by.as_ref().and_then(|o| o.account.as_deref())
            && !viewer.is_tenant(account)
        {
            return Err(ApiError::invalid(
                "manifest.ownedBy.account",
                format!(
                    "Virtual accounts belong to the tenant ({}) until accounts exist.",
                    viewer.tenant_name()
                ),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyAccount {
    manifest: AccountManifestInput,
    /// Check everything, change nothing.
    dry_run: Option<bool>,
}

/// What applying an account manifest did.
pub struct AppliedAccount {
    pub detail: VirtualAccountDetail,
    pub created: bool,
    /// The first token of a new account (never for a dry run).
    pub token: Option<String>,
}

/// `PUT /virtual-accounts {manifest, dryRun?}`: creates the account the manifest names
/// (answering its first token), or brings an existing one to match it (owner team, expiry).
#[utoipa::path(
    put,
    path = "/virtual-accounts",
    tag = "virtual-accounts",
    request_body = ApplyAccount,
    responses((status = 200, body = CreatedAccount), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn create_or_update(
    caller: Caller,
    ApiJson(body): ApiJson<ApplyAccount>,
) -> Result<Json<CreatedAccount>, ApiError> {
    let viewer = Viewer::of(&caller).await?;
    let applied = apply_manifest(
        &caller,
        &viewer,
        body.manifest,
        body.dry_run.unwrap_or(false),
    )
    .await?;
    Ok(Json(CreatedAccount {
        data: VirtualAccountDetailJson::new(applied.detail, &viewer),
        token: applied.token,
    }))
}

/// Applies a virtual-account manifest (also for `PUT /apply`): one domain operation, create
/// or update, each in its own transaction.
pub async fn apply_manifest(
    caller: &Caller,
    viewer: &Viewer,
    manifest: AccountManifestInput,
    dry_run: bool,
) -> Result<AppliedAccount, ApiError> {
    manifest.refuse_unsupported(viewer)?;
    let scope = caller.scope();
    let existing = account_named(&scope, &manifest.name).await?;
    let owner = match manifest.owned_by.as_ref().map(|o| o.team.as_str()) {
        Some(team) => Some(
            scope
                .get_team_by_name(team)
                .await
                .map_err(|e| {
                    ApiError::from(e).with_field_names(&[("name", "manifest.ownedBy.team")])
                })?
                .team
                .id,
        ),
        None => None,
    };
    let acting = if dry_run { scope.rehearsal() } else { scope };
    let fields = [
        ("expires_at", "manifest.expiration_date"),
        ("owner_team_id", "manifest.ownedBy.team"),
        ("name", "manifest.name"),
        ("description", "manifest.description"),
    ];
    match existing {
        Some(found) => {
            let detail = acting
                .update_virtual_account(
                    found.id,
                    VirtualAccountChanges {
                        owner_team_id: owner.unwrap_or(found.owner_team.id),
                        expires_at: manifest.expiration_date,
                        description: manifest.description.unwrap_or(found.description),
                    },
                )
                .await
                .map_err(|e| ApiError::naming_fields(e, &fields))?;
            Ok(AppliedAccount {
                detail,
                created: false,
                token: None,
            })
        }
        None => {
            let owner = owner.ok_or_else(|| {
                ApiError::invalid(
                    "manifest.ownedBy.team",
                    "A new virtual account needs its owner team: ownedBy {team: <name>}.",
                )
            })?;
            let created = acting
                .create_virtual_account(NewVirtualAccount {
                    name: manifest.name,
                    owner_team_id: owner,
                    expires_at: manifest.expiration_date,
                    description: manifest.description.unwrap_or_default(),
                })
                .await
                .map_err(|e| ApiError::naming_fields(e, &fields))?;
            Ok(AppliedAccount {
                detail: created.detail,
                created: true,
                token: (!dry_run).then_some(created.token),
            })
        }
    }
}

/// `POST /virtual-accounts/{id}/sync-to-secret-store`: Latchkey has no secret-store
/// integration; the answer says so (400) rather than pretending.
#[utoipa::path(
    post,
    path = "/virtual-accounts/{id}/sync-to-secret-store",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id")),
    responses((status = 400, description = "Not available here", body = ErrorBody))
)]
pub async fn sync_to_secret_store(ApiPath(_id): ApiPath<i64>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "not_supported",
        "Latchkey has no secret-store integration: fetch the token with GET /virtual-accounts/{id}/token and store it in your secret store yourself.",
    )
}

/// `DELETE /virtual-accounts/{id}/jwt/{jwtId}`: Latchkey's tokens are opaque, not JWTs; the
/// answer says how to stop one instead.
#[utoipa::path(
    delete,
    path = "/virtual-accounts/{id}/jwt/{jwt_id}",
    tag = "virtual-accounts",
    params(("id" = String, Path, description = "Virtual account id"), ("jwt_id" = String, Path, description = "JWT id")),
    responses((status = 400, description = "Not available here", body = ErrorBody))
)]
pub async fn delete_jwt(ApiPath((_id, _jwt)): ApiPath<(i64, String)>) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "not_supported",
        "Latchkey issues opaque tokens, not JWTs: to stop a virtual account's token, regenerate it with gracePeriodInMinutes 0 (POST /virtual-accounts/{id}/regenerate-token).",
    )
}
