//! Personal access tokens and the tenant's security settings, as the console and the API show
//! them. A token's secret value appears only in `IssuedToken`, once.

use crate::ids::TokenId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a token still opens the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "Active",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        }
    }
}

/// One personal access token in its owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: TokenId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// When the token last authenticated a call (recorded at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address that call came from.
    pub last_used_ip: Option<String>,
    pub status: TokenStatus,
}

/// A new personal access token for the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewToken {
    /// 3-36 characters, lowercase letters, digits and hyphens, starting with a letter; unique
    /// among the owner's tokens that are not revoked.
    pub name: String,
    /// When it stops working; `None` for never (unless the security settings cap the age).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token just created: its record and, this once, its secret value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub token: TokenRow,
    /// `lk_pat_...`: shown once, stored only as a keyed hash.
    pub value: String,
}

/// The signed-in user's tokens, with the limits that apply when they create another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnTokens {
    pub page: crate::dto::Page<TokenRow>,
    pub limits: SecuritySettings,
    /// How many of the user's tokens are active (the count the limit applies to).
    pub active: u64,
}

/// A user named by id (the console) or by email (the API and the command line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserKey {
    Id(crate::ids::UserId),
    Email(String),
}

impl From<crate::ids::UserId> for UserKey {
    fn from(id: crate::ids::UserId) -> Self {
        UserKey::Id(id)
    }
}

/// Paging for a token list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenQuery {
    /// Case-insensitive part of the name.
    pub search: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl TokenQuery {
    pub const DEFAULT_LIMIT: u64 = 25;
    pub const MAX_LIMIT: u64 = 200;
}

/// Settings > Security: limits on personal access tokens (`None`: no limit) and whether
/// people may sign in with a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettings {
    /// The longest a new token may live, in days (1 to 3650).
    pub pat_max_age_days: Option<u32>,
    /// How many active tokens one user may hold (1 to 1000).
    pub pat_max_active: Option<u32>,
    /// Off: only single sign-on, except for Admins, who keep password sign-in as a
    /// break-glass way in when the identity provider fails.
    pub password_sign_in: bool,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            pat_max_age_days: None,
            pat_max_active: None,
            password_sign_in: true,
        }
    }
}

/// What saving security settings does to the personal access tokens that exist: a maximum
/// age applies to them too, counted from each token's creation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecuritySettingsImpact {
    /// Active tokens already older than the maximum age: they stop working on saving.
    pub tokens_ended: u64,
    /// Active tokens that would outlive the maximum age (or never expire): their expiry moves
    /// to their creation plus the maximum age.
    pub tokens_shortened: u64,
}

impl SecuritySettingsImpact {
    pub fn is_empty(&self) -> bool {
        self.tokens_ended == 0 && self.tokens_shortened == 0
    }
}

impl SecuritySettings {
    pub const MAX_AGE_DAYS_LIMIT: u32 = 3650;
    pub const MAX_ACTIVE_LIMIT: u32 = 1000;
}
