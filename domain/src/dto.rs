//! Types that cross the wire between server and browser (and, later, the REST API).
//! Entities never leave the server; these are built from them with `From` conversions.

use crate::ids::{TenantId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a user may currently sign in and act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Deactivated,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Deactivated => "deactivated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "active" => Some(UserStatus::Active),
            "deactivated" => Some(UserStatus::Deactivated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Active => "Active",
            UserStatus::Deactivated => "Deactivated",
        }
    }
}

/// How a user's tenant role was last set (TrueFoundry's `metadata.tenantRoleManagedBy`).
/// A `Manual` assignment is never overwritten by a later SSO login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleManagedBy {
    Manual,
    Group,
    Initial,
}

impl RoleManagedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleManagedBy::Manual => "manual",
            RoleManagedBy::Group => "group",
            RoleManagedBy::Initial => "initial",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "manual" => Some(RoleManagedBy::Manual),
            "group" => Some(RoleManagedBy::Group),
            "initial" => Some(RoleManagedBy::Initial),
            _ => None,
        }
    }
}

/// One row of Access > Users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    /// The role's name (`tenant-admin`, `tenant-member`, ...).
    pub role_name: String,
    pub role_display_name: String,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    /// How the role was last set: by hand, by SSO group mapping, or at creation.
    pub role_managed_by: RoleManagedBy,
}

/// The orders Access > Users can be sorted in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    #[default]
    Email,
    Name,
    /// Most recent sign-in first; never signed in last.
    LastSignIn,
}

impl UserSort {
    pub const ALL: [UserSort; 3] = [UserSort::Email, UserSort::Name, UserSort::LastSignIn];

    pub fn as_str(self) -> &'static str {
        match self {
            UserSort::Email => "email",
            UserSort::Name => "name",
            UserSort::LastSignIn => "last_sign_in",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        UserSort::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            UserSort::Email => "Email",
            UserSort::Name => "Name",
            UserSort::LastSignIn => "Last sign-in",
        }
    }
}

impl RoleManagedBy {
    pub fn label(self) -> &'static str {
        match self {
            RoleManagedBy::Manual => "Manual",
            RoleManagedBy::Group => "SSO group",
            RoleManagedBy::Initial => "Initial",
        }
    }
}

/// Search and paging for Access > Users.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserQuery {
    /// Case-insensitive substring of the email or the display name.
    pub search: Option<String>,
    /// Only users holding this role (by name, e.g. `tenant-member`).
    pub role: Option<String>,
    /// Only users with this status.
    pub status: Option<UserStatus>,
    pub sort: Option<UserSort>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

impl UserQuery {
    pub const DEFAULT_LIMIT: u64 = 25;
    pub const MAX_LIMIT: u64 = 200;
}

/// A page of a list, with the total number of matching items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
}

/// The signed-in user, as the console shell shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub email: String,
    pub display_name: String,
    pub role_name: String,
    pub role_display_name: String,
    /// Permission keys the user holds in the tenant, so the UI shows only what works.
    pub permissions: Vec<String>,
}

impl CurrentUser {
    pub fn can(&self, permission: crate::permissions::Permission) -> bool {
        self.permissions.iter().any(|p| p == permission.key())
    }
}

/// What the /setup page should show for a given link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupStatus {
    /// The link is valid: show the form that creates the first Admin.
    Open,
    /// The first Admin exists; setup links are dead.
    Completed,
    /// No such link (forged, mistyped or replaced by a newer one).
    InvalidLink,
}

/// The form that creates the first Admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

/// A tenant role as Access > Roles shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleSummary {
    pub id: crate::ids::RoleId,
    /// Slug used by the API and SSO mapping (`tenant-admin`, `custom-deployer`, ...).
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub builtin: bool,
    /// Admin: every permission, not editable or deletable.
    pub all_permissions: bool,
    /// Permission keys, in catalog order.
    pub permissions: Vec<String>,
    /// Users holding this role directly.
    pub user_count: u64,
}

/// The fields of a new custom role.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewRole {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// The editable fields of a role. The name is fixed at creation: the API and SSO mappings refer
/// to roles by it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleChanges {
    pub display_name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// One effective tenant permission of a user and every source that grants it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePermission {
    pub key: String,
    /// E.g. `Role: Member` (teams' roles join in with their issue).
    pub sources: Vec<String>,
}

/// A user's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    pub role_id: crate::ids::RoleId,
    pub role_managed_by: RoleManagedBy,
    pub created_at: DateTime<Utc>,
    pub effective_permissions: Vec<EffectivePermission>,
}

/// Access > Users > Invite: one or several addresses, one role for all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// Addresses separated by commas, semicolons, spaces or new lines.
    pub emails: String,
    pub role_id: crate::ids::RoleId,
    /// "Send email to set password": a one-time link. Unchecked, the user signs in through SSO.
    pub send_password_email: bool,
}

/// What an invitation did, address by address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub invited: Vec<InvitedUser>,
    /// Addresses that already belong to a user; nothing was changed for them.
    pub already_exist: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitedUser {
    pub id: UserId,
    pub email: String,
    /// The set-password link, shown once to the admin for copying (no mail delivery yet).
    pub set_password_link: Option<PasswordLink>,
}

/// A one-time link that sets a user's password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// What /set-password should show for a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordLinkStatus {
    /// Valid: the form may set the password of this address.
    Open { email: String },
    /// Unknown, used or expired.
    Invalid,
}
