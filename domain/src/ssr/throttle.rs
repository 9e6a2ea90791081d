//! Sign-in throttling: failures are counted per account and per client address in a fixed
//! window; reaching the limit locks that key for a while. Counts live in the database so every
//! replica enforces the same limits.

use crate::ssr::entities::login_throttle;
use crate::ssr::error::DomainError;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

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

/// Refuses with `RateLimited` when `key` is locked.
pub(crate) async fn check(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let locked_until = login_throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .and_then(|row| row.locked_until)
        .filter(|until| *until > now);
    match locked_until {
        Some(until) => Err(DomainError::RateLimited {
            retry_after_secs: (until - now).num_seconds().max(1) as u64,
        }),
        None => Ok(()),
    }
}

/// Counts one failure against `key`, locking it when the count reaches `max_failures`.
pub(crate) async fn record_failure(
    db: &impl ConnectionTrait,
    key: &str,
    max_failures: i32,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let existing = login_throttle::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?;
    let fresh_window = |failures| login_throttle::Model {
        key: key.to_owned(),
        failures,
        window_started_at: now,
        locked_until: None,
    };
    let (mut row, is_new) = match existing {
        Some(row)
            if row.window_started_at + policy.window > now
                && row.locked_until.is_none_or(|u| u > now) =>
        {
            let failures = row.failures + 1;
            (login_throttle::Model { failures, ..row }, false)
        }
        Some(_) => (fresh_window(1), false),
        None => (fresh_window(1), true),
    };
    if row.failures >= max_failures {
        row.locked_until = Some(now + policy.lockout);
    }
    if is_new {
        login_throttle::Entity::insert(row.into_active_model())
            .exec(db)
            .await?;
    } else {
        let mut active = row.clone().into_active_model();
        active.failures = Set(row.failures);
        active.window_started_at = Set(row.window_started_at);
        active.locked_until = Set(row.locked_until);
        active.update(db).await?;
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub(crate) async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DomainError> {
    login_throttle::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
