//! Personal access tokens: each user manages their own; user managers revoke all of someone's;
//! the security settings cap their age and number. The console, the REST API and the
//! `latchkey token` command all create tokens through `issue_personal_token`.

use crate::dto::{
    IssuedToken, NewToken, OwnTokens, Page, SecuritySettings, SecuritySettingsImpact, TokenQuery,
    TokenRow, TokenStatus, UserKey, UserRef, UserStatus,
};
use crate::ids::{TenantId, TokenId, UserId};
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{security_setting, token, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::refuse_acting_on;
use crate::ssr::scope::{Scope, lower_like, page_window, search_pattern};
use crate::ssr::scope_identity_providers::has_enabled_identity_provider;
use crate::ssr::scope_users::find_user;
use crate::ssr::secret::Secret;
use crate::ssr::token_format::{self, TokenKind};
use crate::validation::check_token_name;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Hash purpose label for API tokens (see `Secret::keyed_hash`).
pub(crate) const API_TOKEN_PURPOSE: &str = "api-token";

impl Scope<'_> {
    /// Access > Personal Access Tokens: the signed-in user's tokens, newest first, with the
    /// limits on creating more.
    pub async fn list_own_tokens(&self, query: TokenQuery) -> DomainResult<OwnTokens> {
        let me = authorize(self.actor, Operation::ListOwnTokens)?;
        let (limit, offset) = page_window(
            query.limit,
            query.offset,
            TokenQuery::DEFAULT_LIMIT,
            TokenQuery::MAX_LIMIT,
        )?;
        let db = self.services.db();
        let mut select = personal_tokens_of(me.user_id);
        if let Some(pattern) = search_pattern(query.search.as_deref())? {
            select = select.filter(lower_like(token::Entity, token::Column::Name, &pattern));
        }
        let total = select.clone().count(db).await?;
        let now = Utc::now();
        let items = select
            .order_by_desc(token::Column::CreatedAt)
            .order_by_desc(token::Column::Id)
            .limit(limit)
            .offset(offset)
            .all(db)
            .await?
            .iter()
            .map(|row| token_row(row, now))
            .collect();
        Ok(OwnTokens {
            page: Page {
                items,
                total,
                limit,
                offset,
            },
            limits: load_security_settings(db, me.tenant_id).await?,
            active: active_token_count(db, me.user_id, now).await?,
        })
    }

    /// Creates a personal access token for the signed-in user; its value is in the answer and
    /// nowhere else.
    pub async fn create_own_token(&self, new: NewToken) -> DomainResult<IssuedToken> {
        let me = authorize(self.actor, Operation::CreateOwnToken)?;
        let txn = self.services.begin_write().await?;
        let issued = issue_personal_token(
            &txn,
            self.services.secret(),
            me.tenant_id,
            me.user_id,
            new,
            Utc::now(),
        )
        .await?;
        self.finish(txn).await?;
        tracing::info!(user_id = %me.user_id, token_id = %issued.token.id, "personal access token created");
        Ok(issued)
    }

    /// Revokes one of the signed-in user's own tokens (revoking it twice is harmless). Anyone
    /// else's token id is "not found".
    pub async fn revoke_own_token(&self, id: TokenId) -> DomainResult<TokenRow> {
        let me = authorize(self.actor, Operation::RevokeOwnToken)?;
        let db = self.services.db();
        let found = personal_tokens_of(me.user_id)
            .filter(token::Column::Id.eq(id.0))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound("personal access token".into()))?;
        let now = Utc::now();
        let revoked = if found.revoked_at.is_some() {
            found
        } else {
            let mut active: token::ActiveModel = found.into();
            active.revoked_at = Set(Some(now));
            let revoked = active.update(db).await?;
            tracing::info!(user_id = %me.user_id, token_id = %id, "personal access token revoked");
            revoked
        };
        Ok(token_row(&revoked, now))
    }

    /// Revokes every personal access token of a user of the actor's tenant that is not revoked
    /// yet; returns how many.
    pub async fn revoke_user_tokens(&self, target: UserKey) -> DomainResult<u64> {
        let me = authorize(self.actor, Operation::RevokeUserTokens)?;
        let db = self.services.db();
        let (found, _) = find_user(db, me, target).await?;
        refuse_acting_on(db, me, &found).await?;
        let user_id = UserId(found.id);
        let revoked = revoke_all_personal_tokens(db, user_id, Utc::now()).await?;
        tracing::info!(actor = %me.user_id, user_id = %user_id, revoked, "personal access tokens revoked");
        Ok(revoked)
    }

    /// Creates a personal access token owned by another active user of the actor's tenant
    /// (TrueFoundry's `for-user`); its value is in the answer and nowhere else. Whoever holds it
    /// acts as that user for as long as it lives, whatever they come to hold, so only an Admin
    /// makes one (and the rule for acting on a user applies too); the target's limits apply.
    pub async fn create_user_token(
        &self,
        target: UserKey,
        new: NewToken,
    ) -> DomainResult<(UserRef, IssuedToken)> {
        let me = authorize(self.actor, Operation::CreateUserToken)?;
        let txn = self.services.begin_write().await?;
        let (found, _) = find_user(&txn, me, target).await?;
        refuse_acting_on(&txn, me, &found).await?;
        if found.status != UserStatus::Active.as_str() {
            return Err(DomainError::validation(
                "email",
                format!(
                    "{} is deactivated: a token of theirs would not work. Activate them first.",
                    found.email
                ),
            ));
        }
        let issued = issue_personal_token(
            &txn,
            self.services.secret(),
            me.tenant_id,
            UserId(found.id),
            new,
            Utc::now(),
        )
        .await?;
        self.finish(txn).await?;
        tracing::info!(
            actor = %me.user_id,
            user_id = found.id,
            token_id = %issued.token.id,
            "personal access token created for another user"
        );
        let owner = UserRef {
            id: UserId(found.id),
            email: found.email,
        };
        Ok((owner, issued))
    }

    /// Security settings, as anyone with settings:ListSettings may read them.
    pub async fn security_settings(&self) -> DomainResult<SecuritySettings> {
        let me = authorize(self.actor, Operation::ViewSecuritySettings)?;
        load_security_settings(self.services.db(), me.tenant_id).await
    }

    /// What saving `settings` would do to the tenant's personal access tokens (nothing is
    /// changed), for the page to say before saving.
    pub async fn security_settings_impact(
        &self,
        settings: SecuritySettings,
    ) -> DomainResult<SecuritySettingsImpact> {
        let me = authorize(self.actor, Operation::UpdateSecuritySettings)?;
        check_settings(&settings)?;
        let Some(days) = settings.pat_max_age_days else {
            return Ok(SecuritySettingsImpact::default());
        };
        let now = Utc::now();
        let over = tokens_over_age(self.services.db(), me.tenant_id, days, now).await?;
        Ok(impact_of(&over, now))
    }

    /// Changes the security settings. The maximum token age applies to the tokens that exist
    /// as well (in the same transaction: those older end, the others expire at their creation
    /// plus the maximum); the active-token limit applies when a token is created. Password
    /// sign-in may be turned off only while an identity provider is enabled.
    pub async fn update_security_settings(
        &self,
        settings: SecuritySettings,
    ) -> DomainResult<SecuritySettings> {
        let me = authorize(self.actor, Operation::UpdateSecuritySettings)?;
        check_settings(&settings)?;
        let txn = self.services.begin_write().await?;
        if !settings.password_sign_in
            && !has_enabled_identity_provider(&txn, me.tenant_id, None).await?
        {
            return Err(DomainError::validation(
                "password_sign_in",
                "Enable an identity provider before turning password sign-in off: without one, only Admins could sign in.",
            ));
        }
        let to_column = |value: Option<u32>| value.and_then(|v| i32::try_from(v).ok());
        security_setting::Entity::insert(security_setting::ActiveModel {
            tenant_id: Set(me.tenant_id.0),
            pat_max_age_days: Set(to_column(settings.pat_max_age_days)),
            pat_max_active: Set(to_column(settings.pat_max_active)),
            password_sign_in: Set(settings.password_sign_in),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(security_setting::Column::TenantId)
                .update_columns([
                    security_setting::Column::PatMaxAgeDays,
                    security_setting::Column::PatMaxActive,
                    security_setting::Column::PasswordSignIn,
                    security_setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
        let mut impact = SecuritySettingsImpact::default();
        if let Some(days) = settings.pat_max_age_days {
            let now = Utc::now();
            let over = tokens_over_age(&txn, me.tenant_id, days, now).await?;
            impact = impact_of(&over, now);
            for (row, limit) in over {
                let mut active: token::ActiveModel = row.into();
                active.expires_at = Set(Some(limit));
                active.update(&txn).await?;
            }
        }
        self.finish(txn).await?;
        tracing::info!(
            actor = %me.user_id,
            ?settings,
            tokens_ended = impact.tokens_ended,
            tokens_shortened = impact.tokens_shortened,
            "security settings changed"
        );
        Ok(settings)
    }
}

/// The limits of `settings` within their bounds, naming the field that is not.
fn check_settings(settings: &SecuritySettings) -> DomainResult<()> {
    check_limit(
        "pat_max_age_days",
        settings.pat_max_age_days,
        SecuritySettings::MAX_AGE_DAYS_LIMIT,
        "The maximum token age",
        "days",
    )?;
    check_limit(
        "pat_max_active",
        settings.pat_max_active,
        SecuritySettings::MAX_ACTIVE_LIMIT,
        "The maximum number of active tokens",
        "tokens",
    )
}

/// The tenant's active personal access tokens that would outlive `days` from their creation
/// (or never expire), each with the expiry the limit gives it.
async fn tokens_over_age(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    days: u32,
    now: DateTime<Utc>,
) -> DomainResult<Vec<(token::Model, DateTime<Utc>)>> {
    let max_age = Duration::days(i64::from(days));
    Ok(token::Entity::find()
        .filter(token::Column::TenantId.eq(tenant.0))
        .filter(token::Column::Kind.eq(TokenKind::Personal.as_str()))
        .filter(usable_at(now))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let limit = row.created_at + max_age;
            row.expires_at
                .is_none_or(|at| at > limit)
                .then_some((row, limit))
        })
        .collect())
}

/// How many of `over` end now (their new expiry has passed) and how many are shortened.
fn impact_of(over: &[(token::Model, DateTime<Utc>)], now: DateTime<Utc>) -> SecuritySettingsImpact {
    let ended = over.iter().filter(|(_, limit)| *limit <= now).count();
    SecuritySettingsImpact {
        tokens_ended: u64::try_from(ended).unwrap_or(u64::MAX),
        tokens_shortened: u64::try_from(over.len() - ended).unwrap_or(u64::MAX),
    }
}

fn check_limit(
    field: &str,
    value: Option<u32>,
    max: u32,
    what: &str,
    unit: &str,
) -> DomainResult<()> {
    match value {
        Some(v) if v == 0 || v > max => Err(DomainError::validation(
            field,
            format!("{what} must be between 1 and {max} {unit}, or empty for no limit."),
        )),
        _ => Ok(()),
    }
}

/// The personal access tokens of `user_id`, of any status.
fn personal_tokens_of(user_id: UserId) -> sea_orm::Select<token::Entity> {
    token::Entity::find()
        .filter(token::Column::Kind.eq(TokenKind::Personal.as_str()))
        .filter(token::Column::UserId.eq(user_id.0))
}

/// Tokens that would open the API at `now`: not revoked, not expired.
pub(crate) fn usable_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(token::Column::RevokedAt.is_null())
        .add(
            Condition::any()
                .add(token::Column::ExpiresAt.is_null())
                .add(token::Column::ExpiresAt.gt(now)),
        )
}

pub(crate) fn token_status(row: &token::Model, now: DateTime<Utc>) -> TokenStatus {
    if row.revoked_at.is_some() {
        TokenStatus::Revoked
    } else if row.expires_at.is_some_and(|at| at <= now) {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

pub(crate) fn token_row(row: &token::Model, now: DateTime<Utc>) -> TokenRow {
    TokenRow {
        id: TokenId(row.id),
        name: row.name.clone(),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
        last_used_ip: row.last_used_ip.clone(),
        status: token_status(row, now),
    }
}

/// The tenant's security settings (no row: no limits).
pub(crate) async fn load_security_settings(
    db: &impl ConnectionTrait,
    tenant: TenantId,
) -> DomainResult<SecuritySettings> {
    let row = security_setting::Entity::find_by_id(tenant.0)
        .one(db)
        .await?;
    let from_column = |value: Option<i32>| value.and_then(|v| u32::try_from(v).ok());
    Ok(
        row.map_or_else(SecuritySettings::default, |row| SecuritySettings {
            pat_max_age_days: from_column(row.pat_max_age_days),
            pat_max_active: from_column(row.pat_max_active),
            password_sign_in: row.password_sign_in,
        }),
    )
}

/// How many of `user_id`'s personal access tokens are active at `now`.
pub(crate) async fn active_token_count(
    db: &impl ConnectionTrait,
    user_id: UserId,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    Ok(personal_tokens_of(user_id)
        .filter(usable_at(now))
        .count(db)
        .await?)
}

/// Revokes every personal access token of `user_id` not revoked yet.
pub(crate) async fn revoke_all_personal_tokens(
    db: &impl ConnectionTrait,
    user_id: UserId,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    let result = token::Entity::update_many()
        .col_expr(token::Column::RevokedAt, Expr::value(now))
        .filter(token::Column::Kind.eq(TokenKind::Personal.as_str()))
        .filter(token::Column::UserId.eq(user_id.0))
        .filter(token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Creates a personal access token for `user_id` under the tenant's security settings. The
/// caller has authorized the action, runs this in a transaction, and commits.
pub(crate) async fn issue_personal_token(
    db: &impl ConnectionTrait,
    secret: &Secret,
    tenant: TenantId,
    user_id: UserId,
    new: NewToken,
    now: DateTime<Utc>,
) -> DomainResult<IssuedToken> {
    let name = check_token_name("name", &new.name)?;
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(DomainError::validation(
            "expires_at",
            "The expiry date must be in the future.",
        ));
    }
    let settings = load_security_settings(db, tenant).await?;
    if let Some(days) = settings.pat_max_age_days {
        // Compared by date, so a date picker's latest allowed day (ending at midnight) fits.
        let latest = (now + Duration::days(i64::from(days))).date_naive();
        if new.expires_at.is_none_or(|at| at.date_naive() > latest) {
            return Err(DomainError::validation(
                "expires_at",
                format!(
                    "Tokens may live at most {days} days here: choose an expiry date on or before {latest}."
                ),
            ));
        }
    }
    // Holding the owner's row (PostgreSQL) makes concurrent creations count one after another.
    user::Entity::find_by_id(user_id.0)
        .filter(user::Column::TenantId.eq(tenant.0))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("user".into()))?;
    if let Some(max) = settings.pat_max_active {
        let active = active_token_count(db, user_id, now).await?;
        if active >= u64::from(max) {
            return Err(DomainError::Conflict(format!(
                "You have {active} active tokens, the most allowed here ({max}). Revoke one before creating another."
            )));
        }
    }
    let taken = personal_tokens_of(user_id)
        .filter(token::Column::Name.eq(name.as_str()))
        .filter(token::Column::RevokedAt.is_null())
        .count(db)
        .await?;
    if taken > 0 {
        return Err(DomainError::Conflict(format!(
            "You already have a token named {name}. Choose another name or revoke that token."
        )));
    }
    let value = token_format::generate(TokenKind::Personal);
    let row = token::ActiveModel {
        tenant_id: Set(tenant.0),
        kind: Set(TokenKind::Personal.as_str().to_string()),
        user_id: Set(Some(user_id.0)),
        virtual_account_id: Set(None),
        name: Set(name),
        token_hash: Set(secret.keyed_hash(API_TOKEN_PURPOSE, &value)),
        sealed_token: Set(None),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        last_used_at: Set(None),
        last_used_ip: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(IssuedToken {
        token: token_row(&row, now),
        value,
    })
}
