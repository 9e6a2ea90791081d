//! `/identity-providers`: OIDC providers as configuration as code. The client secret is
//! write-only: accepted on create and update, answered only as `hasClientSecret`.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, Caller, Paging};
use crate::api::shapes::{DataResponse, Empty, ListResponse, page_of};
use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::DomainError;
use domain::dto::{
    IdentityProviderInput, IdentityProviderView, IdpPreset, Provisioning, RoleMappingRule,
    TeamMappingRule,
};
use domain::ids::IdentityProviderId;
use serde::{Deserialize, Serialize};

/// IdP group -> tenant role (by name, e.g. `tenant-admin`); the first match wins.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleRuleJson {
    group: String,
    role: String,
}

/// IdP group -> team (by name).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamRuleJson {
    group: String,
    team: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProviderJson {
    #[schema(value_type = String)]
    #[serde(serialize_with = "crate::api::ids::string")]
    id: IdentityProviderId,
    slug: String,
    /// `okta`, `google`, `azure-ad`, `keycloak` or `generic`.
    preset: String,
    display_name: String,
    issuer_url: String,
    client_id: String,
    has_client_secret: bool,
    scopes: Vec<String>,
    groups_claim: Option<String>,
    allowed_domains: Vec<String>,
    /// `just-in-time` or `invite-only`.
    provisioning: String,
    enabled: bool,
    role_mappings: Vec<RoleRuleJson>,
    team_mappings: Vec<TeamRuleJson>,
    /// Register this at the provider as the redirect (callback) URL.
    redirect_url: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<IdentityProviderView> for IdentityProviderJson {
    fn from(p: IdentityProviderView) -> Self {
        IdentityProviderJson {
            id: p.id,
            slug: p.slug,
            preset: p.preset.key().into(),
            display_name: p.display_name,
            issuer_url: p.issuer_url,
            client_id: p.client_id,
            has_client_secret: p.has_client_secret,
            scopes: p.scopes,
            groups_claim: p.groups_claim,
            allowed_domains: p.allowed_domains,
            provisioning: p.provisioning.key().into(),
            enabled: p.enabled,
            role_mappings: p
                .role_mappings
                .into_iter()
                .map(|r| RoleRuleJson {
                    group: r.group,
                    role: r.role,
                })
                .collect(),
            team_mappings: p
                .team_mappings
                .into_iter()
                .map(|t| TeamRuleJson {
                    group: t.group,
                    team: t.team,
                })
                .collect(),
            redirect_url: p.redirect_url,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A provider's configuration. Omitted fields take the preset's defaults (scopes, groups
/// claim) or none; `clientSecret` is required to create and optional to update (omitted:
/// the stored one is kept).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityProviderBody {
    slug: String,
    /// `okta`, `google`, `azure-ad`, `keycloak` or `generic`.
    preset: String,
    display_name: String,
    #[serde(default)]
    issuer_url: Option<String>,
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    scopes: Option<Vec<String>>,
    /// Absent: the preset's (`groups`; Google has none). `null` or "": no groups claim.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    groups_claim: Option<Option<String>>,
    #[serde(default)]
    allowed_domains: Vec<String>,
    /// `just-in-time` (default) or `invite-only`.
    #[serde(default)]
    provisioning: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
    #[serde(default)]
    role_mappings: Vec<RoleRuleJson>,
    #[serde(default)]
    team_mappings: Vec<TeamRuleJson>,
}

fn enabled_by_default() -> bool {
    true
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, via `default`).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

impl IdentityProviderBody {
    fn into_input(self) -> Result<IdentityProviderInput, ApiError> {
        let preset = IdpPreset::parse(&self.preset).ok_or_else(|| {
            ApiError::invalid(
                "preset",
                "preset must be one of okta, google, azure-ad, keycloak, generic.",
            )
        })?;
        let provisioning = match self.provisioning.as_deref() {
            None => Provisioning::JustInTime,
            Some(key) => Provisioning::parse(key).ok_or_else(|| {
                ApiError::invalid(
                    "provisioning",
                    "provisioning must be just-in-time or invite-only.",
                )
            })?,
        };
        Ok(IdentityProviderInput {
            slug: self.slug,
            preset,
            display_name: self.display_name,
            issuer_url: self
                .issuer_url
                .or_else(|| preset.fixed_issuer().map(str::to_string))
                .unwrap_or_default(),
            client_id: self.client_id,
            client_secret: self.client_secret,
            scopes: self.scopes.unwrap_or_else(|| {
                preset
                    .default_scopes()
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            }),
            groups_claim: self
                .groups_claim
                .unwrap_or_else(|| preset.default_groups_claim().map(str::to_string)),
            allowed_domains: self.allowed_domains,
            provisioning,
            enabled: self.enabled,
            role_mappings: self
                .role_mappings
                .into_iter()
                .map(|r| RoleMappingRule {
                    group: r.group,
                    role: r.role,
                })
                .collect(),
            team_mappings: self
                .team_mappings
                .into_iter()
                .map(|t| TeamMappingRule {
                    group: t.group,
                    team: t.team,
                })
                .collect(),
        })
    }
}

/// The domain's field names as this endpoint's callers send them.
fn api_error(error: DomainError) -> ApiError {
    ApiError::naming_fields(
        error,
        &[
            ("display_name", "displayName"),
            ("issuer_url", "issuerUrl"),
            ("client_id", "clientId"),
            ("client_secret", "clientSecret"),
            ("groups_claim", "groupsClaim"),
            ("allowed_domains", "allowedDomains"),
            ("role_mappings", "roleMappings"),
            ("team_mappings", "teamMappings"),
        ],
    )
}

/// `GET /identity-providers?limit&offset` (identity-provider:ListIdentityProviders).
#[utoipa::path(
    get,
    path = "/identity-providers",
    tag = "identity-providers",
    params(Paging),
    responses((status = 200, body = ListResponse<IdentityProviderJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed", body = ErrorBody))
)]
pub async fn list(
    caller: Caller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> Result<Json<ListResponse<IdentityProviderJson>>, ApiError> {
    let providers = caller.scope().list_identity_providers().await?;
    Ok(Json(ListResponse::from_page(page_of(providers, &paging)?)))
}

/// `GET /identity-providers/{id}`.
#[utoipa::path(
    get,
    path = "/identity-providers/{id}",
    tag = "identity-providers",
    params(("id" = String, Path, description = "Identity provider id")),
    responses((status = 200, body = DataResponse<IdentityProviderJson>), (status = "4XX", description = "Refused: 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn get(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DataResponse<IdentityProviderJson>>, ApiError> {
    let found = caller
        .scope()
        .get_identity_provider(IdentityProviderId(id))
        .await?;
    Ok(Json(DataResponse { data: found.into() }))
}

/// `POST /identity-providers` (identity-provider:ManageIdentityProviders).
#[utoipa::path(
    post,
    path = "/identity-providers",
    tag = "identity-providers",
    request_body = IdentityProviderBody,
    responses((status = 201, body = DataResponse<IdentityProviderJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed", body = ErrorBody))
)]
pub async fn create(
    caller: Caller,
    ApiJson(body): ApiJson<IdentityProviderBody>,
) -> Result<(StatusCode, Json<DataResponse<IdentityProviderJson>>), ApiError> {
    let created = caller
        .scope()
        .create_identity_provider(body.into_input()?)
        .await
        .map_err(api_error)?;
    Ok((
        StatusCode::CREATED,
        Json(DataResponse {
            data: created.into(),
        }),
    ))
}

/// `PATCH /identity-providers/{id}`: the whole configuration (as for create); without
/// `clientSecret` the stored secret is kept.
#[utoipa::path(
    patch,
    path = "/identity-providers/{id}",
    tag = "identity-providers",
    params(("id" = String, Path, description = "Identity provider id")),
    request_body = IdentityProviderBody,
    responses((status = 200, body = DataResponse<IdentityProviderJson>), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn update(
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<IdentityProviderBody>,
) -> Result<Json<DataResponse<IdentityProviderJson>>, ApiError> {
    let updated = caller
        .scope()
        .update_identity_provider(IdentityProviderId(id), body.into_input()?)
        .await
        .map_err(api_error)?;
    Ok(Json(DataResponse {
        data: updated.into(),
    }))
}

/// `DELETE /identity-providers/{id}`.
#[utoipa::path(
    delete,
    path = "/identity-providers/{id}",
    tag = "identity-providers",
    params(("id" = String, Path, description = "Identity provider id")),
    responses((status = 200, description = "Deleted: `{}`", body = Empty), (status = "4XX", description = "Refused: 401 no valid token, 403 not allowed, 404 not found (or another tenant's)", body = ErrorBody))
)]
pub async fn delete(caller: Caller, ApiPath(id): ApiPath<i64>) -> Result<Json<Empty>, ApiError> {
    caller
        .scope()
        .delete_identity_provider(IdentityProviderId(id))
        .await?;
    Ok(Json(Empty {}))
}
