//! Bearer tokens in, actor out. A token whose shape or checksum is wrong is refused before any
//! database read; a known token must be unrevoked, unexpired and belong to an active user, so
//! revocation, deactivation and role changes apply to the very next call.

use crate::dto::TokenStatus;
use crate::ids::{TenantId, TokenId, VirtualAccountId};
use crate::ssr::actor::{Actor, AuthMethod, VirtualAccountActor};
use crate::ssr::auth::Authenticator;
use crate::ssr::entities::{role, token, user};
use crate::ssr::error::DomainResult;
use crate::ssr::scope_tokens::{API_TOKEN_PURPOSE, token_status};
use crate::ssr::scope_virtual_accounts::usable_account;
use crate::ssr::token_format::{self, TokenKind};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

/// `last_used_at` is written at most this often per token, so a busy script does not turn
/// every read into a write.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

impl Authenticator<'_> {
    /// The actor a presented bearer token speaks for, or `None` when it opens nothing (bad
    /// shape or checksum, unknown, revoked, expired, owner deactivated or deleted, virtual account expired). The caller
    /// answers `None` with 401 and never echoes the token.
    pub async fn authenticate_token(
        &self,
        presented: &str,
        client_address: &str,
    ) -> DomainResult<Option<Actor>> {
        let Some(kind) = token_format::check(presented) else {
            return Ok(None);
        };
        let services = self.services();
        let db = services.db();
        let hash = services.secret().keyed_hash(API_TOKEN_PURPOSE, presented);
        // The owner and their role come in the same read (a virtual account's token has none).
        let Some((row, owner, owner_role)) = token::Entity::find()
            .filter(token::Column::TokenHash.eq(hash))
            .find_also_related(user::Entity)
            .and_also_related(role::Entity)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let now = Utc::now();
        if TokenKind::parse(&row.kind) != Some(kind)
            || token_status(&row, now) != TokenStatus::Active
        {
            return Ok(None);
        }
        let actor = match (kind, owner, owner_role, row.virtual_account_id) {
            (TokenKind::Personal, Some(owner), Some(owner_role), _) => Some(
                services
                    .actor_of(
                        owner,
                        owner_role,
                        AuthMethod::PersonalAccessToken(TokenId(row.id)),
                    )
                    .await?,
            )
            .filter(Actor::is_active_user),
            (TokenKind::VirtualAccount, _, _, Some(account)) => {
                usable_account(db, account, now).await?.map(|account| {
                    Actor::VirtualAccount(VirtualAccountActor {
                        tenant_id: TenantId(account.tenant_id),
                        id: VirtualAccountId(account.id),
                        name: account.name,
                        token_id: TokenId(row.id),
                    })
                })
            }
            _ => None,
        };
        if actor.is_some() {
            record_use(db, &row, client_address, now).await?;
        }
        Ok(actor)
    }
}

/// Notes when and from where a token was used, unless that was noted less than a minute ago.
/// The condition is repeated in the update so concurrent calls write once.
async fn record_use(
    db: &impl ConnectionTrait,
    row: &token::Model,
    client_address: &str,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let stale_before = now - Duration::seconds(LAST_USED_RESOLUTION_SECS);
    if row.last_used_at.is_some_and(|at| at > stale_before) {
        return Ok(());
    }
    token::Entity::update_many()
        .col_expr(token::Column::LastUsedAt, Expr::value(now))
        .col_expr(
            token::Column::LastUsedIp,
            Expr::value(client_address.chars().take(64).collect::<String>()),
        )
        .filter(token::Column::Id.eq(row.id))
        .filter(
            Condition::any()
                .add(token::Column::LastUsedAt.is_null())
                .add(token::Column::LastUsedAt.lte(stale_before)),
        )
        .exec(db)
        .await?;
    Ok(())
}
