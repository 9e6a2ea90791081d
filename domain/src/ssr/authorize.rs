//! The one authorization decision. Every `Scope` method names its `Operation` and calls
//! `authorize` before it touches data.

use crate::dto::UserStatus;
use crate::ids::TenantId;
use crate::permissions::Permission;
use crate::ssr::actor::{Actor, AuthMethod, UserActor, VirtualAccountActor};
use crate::ssr::error::DomainError;
use chrono::Utc;

/// Every operation the `Scope` offers. The allow/deny matrix test iterates `ALL` and fails when
/// an operation has no rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// The signed-in user's own identity, tenant and permissions (the console shell).
    ViewCurrentUser,
    /// Access > Users: the tenant's users.
    ListUsers,
    /// A user's page: details and effective permissions.
    ViewUser,
    /// Assign a tenant role to a user.
    ChangeUserRole,
    /// Deactivate a user (ends their sessions) or activate them again.
    SetUserStatus,
    /// Invite users by email, with a role.
    InviteUsers,
    /// Send a user a link to set a new password (ends their sessions).
    ResetUserPassword,
    /// Delete a user.
    DeleteUser,
    /// Change one's own display name and password.
    UpdateOwnProfile,
    /// See one's own single sign-on identities and link another provider to one's account.
    LinkOwnIdentity,
    /// Prove again, with one's password, who one is, so that this session may hand out a
    /// credential (see `Operation::hands_out_credential`).
    ReauthenticateOwnSession,
    /// Access > Roles: the tenant's roles.
    ListRoles,
    /// The roles a user manager may hand out, for the invite and role pickers.
    ListAssignableRoles,
    /// Create a custom role.
    CreateRole,
    /// Edit a role's display name, description and permissions (not Admin's).
    UpdateRole,
    /// Delete a custom role nobody holds.
    DeleteRole,
    /// Access > Teams: the tenant's teams with team:ReadTeam, else the teams one manages.
    ListTeams,
    /// A team's page, its members and role: team:ReadTeam, or a manager of that team.
    ViewTeam,
    /// Create a team.
    CreateTeam,
    /// Edit a team's description and tenant role.
    UpdateTeam,
    /// Delete a team, with its memberships.
    DeleteTeam,
    /// Add, remove and promote a team's members: team:ManageTeam, or a manager of that team.
    ManageTeamMembers,
    /// Resources: the ones the actor may read.
    ListResources,
    /// A resource's page and collaborators: the type's read permission on it.
    ViewResource,
    /// A page of a resource's collaborators (the API's list): the type's read permission on it.
    ListCollaborators,
    /// Record a resource: the type's create permission (a workspace: or on its cluster).
    CreateResource,
    /// Delete a resource: the type's delete permission on it.
    DeleteResource,
    /// Add, change and remove collaborators: the type's manage permission on the resource.
    ManageCollaborators,
    /// "Why does this subject have access?": user:ListUsers and read permission on it.
    CheckAccess,
    /// A picker's suggestions of users, teams and virtual accounts by name: any signed-in
    /// user, each kind offered only as far as they may list it.
    SuggestSubjects,
    /// Access > Personal Access Tokens: one's own tokens.
    ListOwnTokens,
    /// Create a personal access token for oneself.
    CreateOwnToken,
    /// Revoke one of one's own tokens.
    RevokeOwnToken,
    /// Revoke every personal access token of a user.
    RevokeUserTokens,
    /// Create a personal access token owned by another user (TrueFoundry's
    /// `/personal-access-tokens/for-user`): an Admin only, and acting on the user.
    CreateUserToken,
    /// Read the security settings.
    ViewSecuritySettings,
    /// Change the security settings (limits on personal access tokens).
    UpdateSecuritySettings,
    /// Settings > Identity Providers: the providers and their configuration (never a secret).
    ListIdentityProviders,
    /// Add an identity provider.
    CreateIdentityProvider,
    /// Change an identity provider's configuration and rules.
    UpdateIdentityProvider,
    /// Delete an identity provider.
    DeleteIdentityProvider,
    /// "Test connection": fetch an issuer's discovery document and keys.
    TestIdentityProvider,
    /// Access > Virtual Accounts: all of them with virtual-account:ReadVirtualAccount, or those
    /// of the teams one manages when the Team Manager role holds it.
    ListVirtualAccounts,
    /// A virtual account's page.
    ViewVirtualAccount,
    /// Create a virtual account owned by a team.
    CreateVirtualAccount,
    /// Reveal a virtual account's current token (seed 001: "Manage ... includes permission to
    /// get the token").
    RevealVirtualAccountToken,
    /// Issue a new token, the old one working on for a grace period.
    RegenerateVirtualAccountToken,
    /// Change a virtual account's owner team, expiry and description: as managing it, and for
    /// a new owner as creating one for that team.
    UpdateVirtualAccount,
    /// Delete a virtual account, its tokens and its grants.
    DeleteVirtualAccount,
}

/// What an operation needs from its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any active, signed-in user.
    SignedIn,
    /// An active user holding this tenant permission.
    Permission(Permission),
    /// An active user holding this permission, or managing the team acted on.
    PermissionOrTeamManager(Permission),
    /// An active user holding the permission the operation needs on the resource acted on
    /// (which permission depends on the resource's type; the scope works it out).
    OnResource,
    /// An active user holding this permission tenant-wide, or managing the team that owns the
    /// object while the Team Manager role holds the permission (seed 001's FAQ recipe).
    PermissionOrOwningTeamManager(Permission),
    /// An active user holding the built-in Admin role (who holds everything, so nothing they
    /// hand out can grow beyond them later).
    Admin,
}

/// What the decision needs to know about the actor's relation to the object acted on. The
/// scope looks it up (inside the actor's tenant) before deciding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// The actor is a manager of the team the operation acts on.
    pub manages_team: bool,
    /// The actor holds the permission the operation needs on the resource acted on.
    pub holds_on_resource: bool,
    /// The actor manages the team that owns the object acted on (for a list: some team), and
    /// the Team Manager role holds the permission the operation needs.
    pub team_manager_role_allows: bool,
}

impl Operation {
    pub const ALL: &'static [Operation] = &[
        Operation::ViewCurrentUser,
        Operation::ListUsers,
        Operation::ViewUser,
        Operation::ChangeUserRole,
        Operation::SetUserStatus,
        Operation::InviteUsers,
        Operation::ResetUserPassword,
        Operation::DeleteUser,
        Operation::UpdateOwnProfile,
        Operation::LinkOwnIdentity,
        Operation::ReauthenticateOwnSession,
        Operation::ListRoles,
        Operation::ListAssignableRoles,
        Operation::CreateRole,
        Operation::UpdateRole,
        Operation::DeleteRole,
        Operation::ListTeams,
        Operation::ViewTeam,
        Operation::CreateTeam,
        Operation::UpdateTeam,
        Operation::DeleteTeam,
        Operation::ManageTeamMembers,
        Operation::ListResources,
        Operation::ViewResource,
        Operation::ListCollaborators,
        Operation::CreateResource,
        Operation::DeleteResource,
        Operation::ManageCollaborators,
        Operation::CheckAccess,
        Operation::SuggestSubjects,
        Operation::ListOwnTokens,
        Operation::CreateOwnToken,
        Operation::RevokeOwnToken,
        Operation::RevokeUserTokens,
        Operation::CreateUserToken,
        Operation::ViewSecuritySettings,
        Operation::UpdateSecuritySettings,
        Operation::ListVirtualAccounts,
        Operation::ViewVirtualAccount,
        Operation::CreateVirtualAccount,
        Operation::RevealVirtualAccountToken,
        Operation::RegenerateVirtualAccountToken,
        Operation::UpdateVirtualAccount,
        Operation::DeleteVirtualAccount,
        Operation::ListIdentityProviders,
        Operation::CreateIdentityProvider,
        Operation::UpdateIdentityProvider,
        Operation::DeleteIdentityProvider,
        Operation::TestIdentityProvider,
    ];

    pub fn requirement(self) -> Requirement {
        match self {
            Operation::ViewCurrentUser
            | Operation::UpdateOwnProfile
            | Operation::LinkOwnIdentity
            | Operation::ReauthenticateOwnSession
            | Operation::ListResources
            | Operation::SuggestSubjects
            | Operation::ListOwnTokens
            | Operation::CreateOwnToken
            | Operation::RevokeOwnToken => Requirement::SignedIn,
            Operation::ViewResource
            | Operation::ListCollaborators
            | Operation::CreateResource
            | Operation::DeleteResource
            | Operation::ManageCollaborators
            | Operation::CheckAccess => Requirement::OnResource,
            Operation::ListUsers | Operation::ViewUser => {
                Requirement::Permission(Permission::ListUsers)
            }
            Operation::ChangeUserRole
            | Operation::SetUserStatus
            | Operation::InviteUsers
            | Operation::ResetUserPassword
            | Operation::DeleteUser
            | Operation::ListAssignableRoles
            | Operation::RevokeUserTokens => Requirement::Permission(Permission::ManageUsers),
            // A token made for someone carries whatever they come to hold for as long as it
            // lives, past any check made when it was minted: only an Admin, who holds
            // everything, mints one (TrueFoundry asks the same).
            Operation::CreateUserToken => Requirement::Admin,
            Operation::ViewSecuritySettings => Requirement::Permission(Permission::ListSettings),
            Operation::ListIdentityProviders => {
                Requirement::Permission(Permission::ListIdentityProviders)
            }
            Operation::CreateIdentityProvider
            | Operation::UpdateIdentityProvider
            | Operation::DeleteIdentityProvider
            | Operation::TestIdentityProvider => {
                Requirement::Permission(Permission::ManageIdentityProviders)
            }
            Operation::ListVirtualAccounts | Operation::ViewVirtualAccount => {
                Requirement::PermissionOrOwningTeamManager(Permission::ReadVirtualAccount)
            }
            Operation::CreateVirtualAccount => {
                Requirement::PermissionOrOwningTeamManager(Permission::CreateVirtualAccount)
            }
            Operation::RevealVirtualAccountToken
            | Operation::RegenerateVirtualAccountToken
            | Operation::UpdateVirtualAccount => {
                Requirement::PermissionOrOwningTeamManager(Permission::ManageVirtualAccount)
            }
            Operation::DeleteVirtualAccount => {
                Requirement::PermissionOrOwningTeamManager(Permission::DeleteVirtualAccount)
            }
            Operation::UpdateSecuritySettings => {
                Requirement::Permission(Permission::ManageSettings)
            }
            Operation::ListRoles => Requirement::Permission(Permission::ListRoles),
            Operation::CreateRole | Operation::UpdateRole | Operation::DeleteRole => {
                Requirement::Permission(Permission::ManageRoles)
            }
            // Managing a team is enough to see it (seed 001: managers run their teams).
            Operation::ListTeams | Operation::ViewTeam => {
                Requirement::PermissionOrTeamManager(Permission::ReadTeam)
            }
            Operation::CreateTeam => Requirement::Permission(Permission::CreateTeam),
            Operation::UpdateTeam => Requirement::Permission(Permission::ManageTeam),
            Operation::DeleteTeam => Requirement::Permission(Permission::DeleteTeam),
            Operation::ManageTeamMembers => {
                Requirement::PermissionOrTeamManager(Permission::ManageTeam)
            }
        }
    }

    /// True for the operations that hand out a credential (a token's value): from a browser
    /// session they need a sign-in (or a password confirmation) newer than
    /// `REAUTHENTICATE_AFTER`, so a session left open, or stolen, cannot mint a long-lived
    /// way in. A personal access token is itself presented on every call and is not asked.
    pub fn hands_out_credential(self) -> bool {
        matches!(
            self,
            Operation::CreateOwnToken
                | Operation::CreateUserToken
                | Operation::CreateVirtualAccount
                | Operation::RevealVirtualAccountToken
                | Operation::RegenerateVirtualAccountToken
        )
    }

    /// Words for refusals: "You need user:ListUsers to list users."
    pub fn describe(self) -> &'static str {
        match self {
            Operation::ViewCurrentUser => "view your account",
            Operation::ListUsers => "list users",
            Operation::ViewUser => "view users",
            Operation::ChangeUserRole => "change a user's role",
            Operation::SetUserStatus => "deactivate or activate users",
            Operation::InviteUsers => "invite users",
            Operation::ResetUserPassword => "reset a user's password",
            Operation::DeleteUser => "delete users",
            Operation::UpdateOwnProfile => "change your profile",
            Operation::LinkOwnIdentity => "link an identity provider to your account",
            Operation::ReauthenticateOwnSession => "confirm who you are",
            Operation::ListRoles => "list roles",
            Operation::ListAssignableRoles => "list the roles you can assign",
            Operation::CreateRole => "create roles",
            Operation::UpdateRole => "edit roles",
            Operation::DeleteRole => "delete roles",
            Operation::ListTeams => "list teams",
            Operation::ViewTeam => "view teams",
            Operation::CreateTeam => "create teams",
            Operation::UpdateTeam => "edit teams",
            Operation::DeleteTeam => "delete teams",
            Operation::ManageTeamMembers => "change a team's members",
            Operation::ListResources => "list resources",
            Operation::ViewResource => "view it",
            Operation::ListCollaborators => "list its collaborators",
            Operation::CreateResource => "create it",
            Operation::DeleteResource => "delete it",
            Operation::ManageCollaborators => "change its collaborators",
            Operation::CheckAccess => "check access to it",
            Operation::SuggestSubjects => "find users, teams and virtual accounts",
            Operation::ListOwnTokens => "list your personal access tokens",
            Operation::CreateOwnToken => "create personal access tokens",
            Operation::RevokeOwnToken => "revoke your personal access tokens",
            Operation::RevokeUserTokens => "revoke a user's personal access tokens",
            Operation::CreateUserToken => "create a personal access token for another user",
            Operation::ViewSecuritySettings => "view the security settings",
            Operation::UpdateSecuritySettings => "change the security settings",
            Operation::ListIdentityProviders => "view the identity providers",
            Operation::CreateIdentityProvider => "add identity providers",
            Operation::UpdateIdentityProvider => "change identity providers",
            Operation::DeleteIdentityProvider => "delete identity providers",
            Operation::TestIdentityProvider => "test identity provider connections",
            Operation::ListVirtualAccounts => "list virtual accounts",
            Operation::ViewVirtualAccount => "view this virtual account",
            Operation::CreateVirtualAccount => "create a virtual account for this team",
            Operation::RevealVirtualAccountToken => "see this virtual account's token",
            Operation::RegenerateVirtualAccountToken => "regenerate this virtual account's token",
            Operation::UpdateVirtualAccount => "change this virtual account",
            Operation::DeleteVirtualAccount => "delete this virtual account",
        }
    }
}

/// Decides whether `actor` may perform `operation`. Anonymous and deactivated actors are
/// unauthenticated; a signed-in user without the permission is forbidden, with the missing
/// permission named.
pub fn authorize(actor: &Actor, operation: Operation) -> Result<&UserActor, DomainError> {
    authorize_with(actor, operation, Standing::default())
}

/// `authorize` for operations whose requirement depends on the actor's `standing` towards the
/// object (managing the team acted on). The caller finds the object in the actor's tenant
/// first, so that another tenant's id answers "not found".
pub fn authorize_with(
    actor: &Actor,
    operation: Operation,
    standing: Standing,
) -> Result<&UserActor, DomainError> {
    let user = active_user(actor)?;
    let user = permitted(user, operation, standing)?;
    if operation.hands_out_credential()
        && let AuthMethod::Session { authenticated_at } = user.auth
        && Utc::now() - authenticated_at > REAUTHENTICATE_AFTER
    {
        return Err(DomainError::ReauthenticationRequired);
    }
    Ok(user)
}

/// How long after signing in (or confirming their password) a session may hand out a
/// credential.
pub const REAUTHENTICATE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// The requirement half of `authorize_with`.
fn permitted(
    user: &UserActor,
    operation: Operation,
    standing: Standing,
) -> Result<&UserActor, DomainError> {
    let holds = |permission: Permission| user.permissions.contains(&permission);
    match operation.requirement() {
        Requirement::SignedIn => Ok(user),
        Requirement::Permission(permission) if holds(permission) => Ok(user),
        Requirement::Permission(permission) => Err(DomainError::Forbidden(format!(
            "You need the {permission} permission to {}.",
            operation.describe()
        ))),
        Requirement::PermissionOrTeamManager(permission)
            if holds(permission) || standing.manages_team =>
        {
            Ok(user)
        }
        Requirement::PermissionOrTeamManager(permission) => Err(DomainError::Forbidden(format!(
            "You need the {permission} permission, or to be a manager of this team, to {}.",
            operation.describe()
        ))),
        Requirement::PermissionOrOwningTeamManager(permission)
            if holds(permission) || standing.team_manager_role_allows =>
        {
            Ok(user)
        }
        Requirement::PermissionOrOwningTeamManager(permission) => {
            Err(DomainError::Forbidden(format!(
                "You need the {permission} permission, or to manage the owning team while the Team Manager role holds it, to {}.",
                operation.describe()
            )))
        }
        Requirement::Admin if user.is_admin => Ok(user),
        Requirement::Admin => Err(DomainError::Forbidden(format!(
            "Only an Admin may {}.",
            operation.describe()
        ))),
        Requirement::OnResource if standing.holds_on_resource => Ok(user),
        Requirement::OnResource => Err(DomainError::Forbidden(format!(
            "You lack the permission on this resource to {}.",
            operation.describe()
        ))),
    }
}

/// What a virtual account is told when it reaches for anything but resources.
pub(crate) const VIRTUAL_ACCOUNT_SCOPE: &str =
    "A virtual account can only act on the resources granted to it.";

/// The actor as an active, signed-in user; a virtual account is refused, anyone else is
/// unauthenticated.
pub(crate) fn active_user(actor: &Actor) -> Result<&UserActor, DomainError> {
    match actor {
        Actor::User(user) if user.status == UserStatus::Active => Ok(user),
        Actor::VirtualAccount(_) => Err(DomainError::Forbidden(VIRTUAL_ACCOUNT_SCOPE.into())),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// Who acts on resources: an active user, or a virtual account through its token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Acting<'a> {
    User(&'a UserActor),
    VirtualAccount(&'a VirtualAccountActor),
}

impl Acting<'_> {
    pub(crate) fn tenant_id(self) -> TenantId {
        match self {
            Acting::User(user) => user.tenant_id,
            Acting::VirtualAccount(account) => account.tenant_id,
        }
    }

    /// The user, for `created_by` and `granted_by` (a virtual account leaves them empty).
    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Acting::User(user) => Some(user.user_id.0),
            Acting::VirtualAccount(_) => None,
        }
    }

    pub(crate) fn is_admin(self) -> bool {
        matches!(self, Acting::User(user) if user.is_admin)
    }

    /// A tenant permission (a virtual account holds none).
    pub(crate) fn holds(self, permission: Permission) -> bool {
        matches!(self, Acting::User(user) if user.permissions.contains(&permission))
    }
}

impl std::fmt::Display for Acting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Acting::User(user) => write!(f, "user {}", user.user_id),
            Acting::VirtualAccount(account) => write!(f, "virtual account {}", account.name),
        }
    }
}

/// The actor of a resource operation, before its standing is known.
pub(crate) fn acting(actor: &Actor) -> Result<Acting<'_>, DomainError> {
    match actor {
        Actor::VirtualAccount(account) => Ok(Acting::VirtualAccount(account)),
        _ => active_user(actor).map(Acting::User),
    }
}

/// `authorize_with` for the operations a virtual account may also perform: listing resources
/// and acting on those granted to it. Users are decided exactly as by `authorize_with`.
pub(crate) fn authorize_acting(
    actor: &Actor,
    operation: Operation,
    standing: Standing,
) -> Result<Acting<'_>, DomainError> {
    match actor {
        Actor::VirtualAccount(account) => match operation.requirement() {
            Requirement::SignedIn if operation == Operation::ListResources => {
                Ok(Acting::VirtualAccount(account))
            }
            Requirement::OnResource if standing.holds_on_resource => {
                Ok(Acting::VirtualAccount(account))
            }
            Requirement::OnResource => Err(DomainError::Forbidden(format!(
                "You lack the permission on this resource to {}.",
                operation.describe()
            ))),
            _ => Err(DomainError::Forbidden(VIRTUAL_ACCOUNT_SCOPE.into())),
        },
        _ => authorize_with(actor, operation, standing).map(Acting::User),
    }
}
