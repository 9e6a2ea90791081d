//! Virtual accounts: API callers that are not people, owned by a team, acting only through
//! the collaborator grants made to `virtualaccount:<name>`.

use crate::dto::{TokenStatus, UserGrant};
use crate::ids::{TeamId, TokenId, VirtualAccountId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A team, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRef {
    pub id: TeamId,
    pub name: String,
}

/// One virtual account in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccountSummary {
    pub id: VirtualAccountId,
    pub name: String,
    pub owner_team: TeamRef,
    /// After this the account and every token of it stop working.
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
    pub created_at: DateTime<Utc>,
    /// When it was last edited (its creation until then).
    pub updated_at: DateTime<Utc>,
    /// The creator, while that user exists.
    pub created_by: Option<crate::dto::UserRef>,
    /// Free text; empty when none was given.
    pub description: String,
}

/// A token of a virtual account (its value is fetched separately, by those who may manage it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccountTokenRow {
    pub id: TokenId,
    pub created_at: DateTime<Utc>,
    /// Set on a replaced token: the end of its grace period.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    pub status: TokenStatus,
    /// The newest token, the one "show token" reveals.
    pub current: bool,
}

/// A virtual account's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccountDetail {
    pub account: VirtualAccountSummary,
    pub tokens: Vec<VirtualAccountTokenRow>,
    /// The resources it was granted roles on.
    pub grants: Vec<UserGrant>,
    /// Whether the viewer may reveal and regenerate its token.
    pub can_manage: bool,
    /// Whether the viewer may delete it.
    pub can_delete: bool,
}

/// Access > Virtual Accounts > Create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVirtualAccount {
    /// 3-36 characters, lowercase letters, digits and hyphens, starting with a letter; unique
    /// in the tenant (grants name it `virtualaccount:<name>`).
    pub name: String,
    pub owner_team_id: TeamId,
    pub expires_at: Option<DateTime<Utc>>,
    /// At most 500 characters; may be empty.
    #[serde(default)]
    pub description: String,
}

/// A virtual account's editable settings: its owner team, its expiry (`None`: never) and its
/// description. The name is fixed: grants name the account by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccountChanges {
    pub owner_team_id: TeamId,
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub description: String,
}

/// A virtual account just created, with its first token (also retrievable later by its
/// managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedVirtualAccount {
    pub detail: VirtualAccountDetail,
    pub token: String,
}

/// How long a virtual account's replaced token keeps working after a regeneration, to the
/// minute: 0 (it stops at once) to `MAX_GRACE_PERIOD_DAYS` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GracePeriod {
    minutes: u32,
}

impl GracePeriod {
    pub fn days(days: u32) -> Self {
        GracePeriod {
            minutes: days.saturating_mul(24 * 60),
        }
    }

    pub fn minutes(minutes: u32) -> Self {
        GracePeriod { minutes }
    }

    pub fn as_minutes(self) -> u32 {
        self.minutes
    }
}

/// A new token for a virtual account; the previous one works until `previous_valid_until`
/// (or stopped at once when the grace period was 0 days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegeneratedToken {
    pub token: String,
    pub previous_valid_until: Option<DateTime<Utc>>,
}

/// Search and paging for Access > Virtual Accounts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualAccountQuery {
    /// Case-insensitive part of the name.
    pub search: Option<String>,
    /// Only the account with exactly this name.
    #[serde(default)]
    pub name: Option<String>,
    /// Only accounts owned by one of these teams (by name); empty: any team.
    #[serde(default)]
    pub owner_teams: Vec<String>,
    /// Only expired accounts (`true`) or only usable ones (`false`).
    #[serde(default)]
    pub expired: Option<bool>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl VirtualAccountQuery {
    pub const DEFAULT_LIMIT: u64 = 25;
    pub const MAX_LIMIT: u64 = 200;
}

/// The longest grace period a replaced virtual-account token may keep working.
pub const MAX_GRACE_PERIOD_DAYS: u32 = 30;
