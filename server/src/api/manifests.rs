//! `PUT /apply` and `POST /delete`: configuration as code, as TrueFoundry users keep it in git.
//! A manifest names its kind (`type`) and its object by name; applying creates or updates it,
//! deleting removes it. Teams and virtual accounts go through the same operations as
//! `PUT /teams` and `PUT /virtual-accounts`; other kinds are refused by name.

use crate::api::ApiError;
use crate::api::error::ErrorBody;
use crate::api::extract::{ApiJson, Caller};
use crate::api::shapes::{Empty, Viewer};
use crate::api::teams::{self, TeamDetailJson, TeamManifestInput};
use crate::api::virtual_accounts::{self, AccountManifestInput, VirtualAccountDetailJson};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Apply {
    /// A team manifest (`type: team`) or a virtual-account manifest (`type: virtual-account`).
    #[schema(value_type = Object)]
    manifest: Value,
    /// Check everything, change nothing.
    dry_run: Option<bool>,
    /// Accepted: applying never needs forcing here (`false` or `true` act the same).
    #[allow(dead_code)]
    force: Option<bool>,
}

/// The object applied and what happened to it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// `CREATE` or `UPDATE`.
    action: &'static str,
    #[schema(value_type = Object)]
    data: Value,
    dry_run: bool,
    /// A new virtual account's first token (never for a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// The kind a manifest declares. A plain object without `type` is read by its keys: `members`
/// makes a team, `ownedBy` a virtual account (TrueFoundry's SDK leaves `type` out of dicts).
fn kind_of(manifest: &Value) -> Result<&'static str, ApiError> {
    match manifest.get("type").and_then(Value::as_str) {
        Some("team") => Ok("team"),
        Some("virtual-account") => Ok("virtual-account"),
        Some(other) => Err(ApiError::invalid(
            "manifest.type",
            format!(
                "Latchkey applies team and virtual-account manifests; {other} is not one of them."
            ),
        )),
        None if manifest.get("members").is_some() => Ok("team"),
        None if manifest.get("ownedBy").is_some() => Ok("virtual-account"),
        None => Err(ApiError::invalid(
            "manifest.type",
            "Say what the manifest is: type team or type virtual-account.",
        )),
    }
}

fn parse<T: serde::de::DeserializeOwned>(manifest: Value) -> Result<T, ApiError> {
    serde_json::from_value(manifest).map_err(|e| ApiError::invalid("manifest", e.to_string()))
}

fn to_value<T: Serialize>(value: T) -> Result<Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|e| ApiError::from(domain::DomainError::Internal(e.to_string())))
}

/// `PUT /apply {manifest, dryRun?, force?}`: creates or updates the team or virtual account the
/// manifest names.
#[utoipa::path(
    put,
    path = "/apply",
    tag = "manifests",
    request_body = Apply,
    responses((status = 200, body = Applied), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn apply(
    caller: Caller,
    ApiJson(body): ApiJson<Apply>,
) -> Result<Json<Applied>, ApiError> {
    let dry_run = body.dry_run.unwrap_or(false);
    let viewer = Viewer::of(&caller).await?;
    let applied = match kind_of(&body.manifest)? {
        "team" => {
            let manifest: TeamManifestInput = parse(body.manifest)?;
            let applied = teams::apply_manifest(&caller, &viewer, manifest, dry_run).await?;
            Applied {
                action: if applied.created { "CREATE" } else { "UPDATE" },
                data: to_value(TeamDetailJson::new(applied.team, &viewer))?,
                dry_run,
                token: None,
            }
        }
        _ => {
            let manifest: AccountManifestInput = parse(body.manifest)?;
            let applied =
                virtual_accounts::apply_manifest(&caller, &viewer, manifest, dry_run).await?;
            Applied {
                action: if applied.created { "CREATE" } else { "UPDATE" },
                data: to_value(VirtualAccountDetailJson::new(applied.detail, &viewer))?,
                dry_run,
                token: applied.token,
            }
        }
    };
    Ok(Json(applied))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delete {
    /// The manifest of the team or virtual account to delete (only `type` and `name` count).
    #[schema(value_type = Object)]
    manifest: Value,
}

/// `POST /delete {manifest}`: deletes the team or virtual account the manifest names, as
/// `DELETE /teams/{id}` and `DELETE /virtual-accounts/{id}` do. Answers `{}`.
#[utoipa::path(
    post,
    path = "/delete",
    tag = "manifests",
    request_body = Delete,
    responses((status = 200, body = Empty), (status = "4XX", description = "Refused: 400 names the field, 401 no valid token, 403 not allowed, 404 not found (or another tenant's), 409 conflict", body = ErrorBody))
)]
pub async fn delete(
    caller: Caller,
    ApiJson(body): ApiJson<Delete>,
) -> Result<Json<Empty>, ApiError> {
    let kind = kind_of(&body.manifest)?;
    let name = body
        .manifest
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid("manifest.name", "Name the object to delete."))?;
    let scope = caller.scope();
    if kind == "team" {
        let team = scope
            .get_team_by_name(name)
            .await
            .map_err(ApiError::access_control)?;
        scope
            .delete_team(team.team.id)
            .await
            .map_err(ApiError::access_control)?;
    } else {
        let account = virtual_accounts::account_named(&scope, name)
            .await?
            .ok_or_else(|| {
                ApiError::from(domain::DomainError::NotFound("Virtual account".into()))
            })?;
        scope.delete_virtual_account(account.id).await?;
    }
    Ok(Json(Empty {}))
}
