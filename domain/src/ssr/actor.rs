use crate::dto::UserStatus;
use crate::ids::{RoleId, TenantId, TokenId, UserId, VirtualAccountId};
use crate::permissions::Permission;
use crate::ssr::effective::TenantStanding;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Who is making a request, resolved once per request by the transport and handed to
/// `Services::scope`. Built only by the services (from a session or a token), so a
/// transport cannot invent permissions.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    Anonymous,
    User(UserActor),
    /// A virtual account calling with its token: it holds no tenant permissions, only the
    /// resource roles granted to `virtualaccount:<name>`.
    VirtualAccount(VirtualAccountActor),
}

/// A virtual account, as its token presented it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualAccountActor {
    pub tenant_id: TenantId,
    pub id: VirtualAccountId,
    pub name: String,
    pub token_id: TokenId,
}

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A browser session cookie, whose holder last proved who they are (password or single
    /// sign-on) at `authenticated_at`. Operations that hand out a credential ask for a proof
    /// newer than `REAUTHENTICATE_AFTER`.
    Session {
        authenticated_at: chrono::DateTime<chrono::Utc>,
    },
    /// `Authorization: Bearer` with this personal access token.
    PersonalAccessToken(TokenId),
}

/// A user, with their effective tenant permissions as of the start of this request.
#[derive(Debug, Clone, PartialEq)]
pub struct UserActor {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub status: UserStatus,
    pub role_id: RoleId,
    pub role_name: String,
    pub role_display_name: String,
    pub permissions: BTreeSet<Permission>,
    /// Holds the built-in Admin role: every permission, and the only one who may grant what
    /// they do not hold themselves.
    pub is_admin: bool,
    pub auth: AuthMethod,
    /// The teams and tenant roles behind `permissions`, read with them, so resource decisions
    /// in the same request need not read them again.
    pub(crate) standing: Arc<TenantStanding>,
}

impl UserActor {
    /// The permissions of `wanted` this actor does not hold (none for an Admin), in catalog
    /// order, so refusals can name them.
    pub fn lacking(&self, wanted: &BTreeSet<Permission>) -> Vec<Permission> {
        if self.is_admin {
            return Vec::new();
        }
        wanted.difference(&self.permissions).copied().collect()
    }
}

impl Actor {
    pub fn user(&self) -> Option<&UserActor> {
        match self {
            Actor::User(user) => Some(user),
            Actor::Anonymous | Actor::VirtualAccount(_) => None,
        }
    }

    /// True for a user who may act now (not anonymous, not deactivated).
    pub fn is_active_user(&self) -> bool {
        self.user().is_some_and(|u| u.status == UserStatus::Active)
    }
}
