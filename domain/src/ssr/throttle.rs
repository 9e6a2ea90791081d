//! Sign-in throttling: failures are counted per account and per client address in a fixed
//! window; reaching the limit locks that key for a while. Counts live in the database so every
//! replica enforces the same limits.

use crate::ssr::entities::login_throttle;
use crate::ssr::error::DomainError;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures allowed per account within `window` before it is locked.
    pub account_max_failures: i32,
    /// Failures allowed per client address within `window` before it is locked.
    pub address_max_failures: i32,
    pub window: Duration,
    pub lockout: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_max_failures: 5,
            address_max_failures: 20,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }
}

/// The key counting password guesses at one account of a tenant.
pub(crate) fn account_key(tenant_id: i64, email: &str) -> String {
    format!("account:{tenant_id}:{email}")
}

/// Counts an attempt against `key` before its password is checked, and refuses with
/// `RateLimited` when the key is locked. Counting first makes the limit hold for parallel
/// guesses: each one takes its place in the count under a row lock before any is judged, so a
/// burst of N guesses at a limit of 5 has 5 judged and the rest refused. A successful attempt
/// gives its place back (`release`, or `clear` for the account).
pub(crate) async fn reserve(
    db: &DatabaseConnection,
    key: &str,
    max_failures: i32,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    // Make sure a row exists to lock; of two first attempts, one inserts and one does nothing.
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        window_started_at: Set(now),
        locked_until: Set(None),
    })
    .on_conflict_do_nothing_on([login_throttle::Column::Key])
    .exec(&txn)
    .await?;
    let row = login_throttle::Entity::find_by_id(key.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::Internal("throttle row vanished".into()))?;
    if let Some(until) = row.locked_until.filter(|until| *until > now) {
        return Err(DomainError::RateLimited {
            retry_after_secs: Ord::max((until - now).num_seconds(), 1) as u64,
        });
    }
    let fresh = row.window_started_at + policy.window <= now || row.locked_until.is_some();
    let failures = if fresh { 1 } else { row.failures + 1 };
    let mut active: login_throttle::ActiveModel = row.into();
    active.failures = Set(failures);
    if fresh {
        active.window_started_at = Set(now);
        active.locked_until = Set(None);
    }
    if failures >= max_failures {
        active.locked_until = Set(Some(now + policy.lockout));
    }
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Gives back the place an attempt took in `key`'s count (it succeeded), unlocking the key if
/// that attempt was the one that locked it.
pub(crate) async fn release(
    db: &impl ConnectionTrait,
    key: &str,
    max_failures: i32,
) -> Result<(), DomainError> {
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::Failures,
            sea_orm::sea_query::ExprTrait::sub(Expr::col(login_throttle::Column::Failures), 1),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.gt(0))
        .exec(db)
        .await?;
    login_throttle::Entity::update_many()
        .col_expr(
            login_throttle::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(login_throttle::Column::Key.eq(key))
        .filter(login_throttle::Column::Failures.lt(max_failures))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub(crate) async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DomainError> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
