//! The one authorization decision. Every `Scope` method names its `Operation` and calls
//! `authorize` before it touches data.

use crate::dto::UserStatus;
use crate::permissions::Permission;
use crate::ssr::actor::{Actor, UserActor};
use crate::ssr::error::DomainError;

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
    /// Access > Roles: the tenant's roles.
    ListRoles,
    /// Create a custom role.
    CreateRole,
    /// Edit a role's display name, description and permissions (not Admin's).
    UpdateRole,
    /// Delete a custom role nobody holds.
    DeleteRole,
}

/// What an operation needs from its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Any active, signed-in user.
    SignedIn,
    /// An active user holding this tenant permission.
    Permission(Permission),
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
        Operation::ListRoles,
        Operation::CreateRole,
        Operation::UpdateRole,
        Operation::DeleteRole,
    ];

    pub fn requirement(self) -> Requirement {
        match self {
            Operation::ViewCurrentUser | Operation::UpdateOwnProfile => Requirement::SignedIn,
            Operation::ListUsers | Operation::ViewUser => {
                Requirement::Permission(Permission::ListUsers)
            }
            Operation::ChangeUserRole
            | Operation::SetUserStatus
            | Operation::InviteUsers
            | Operation::ResetUserPassword
            | Operation::DeleteUser => Requirement::Permission(Permission::ManageUsers),
            Operation::ListRoles => Requirement::Permission(Permission::ListRoles),
            Operation::CreateRole | Operation::UpdateRole | Operation::DeleteRole => {
                Requirement::Permission(Permission::ManageRoles)
            }
        }
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
            Operation::ListRoles => "list roles",
            Operation::CreateRole => "create roles",
            Operation::UpdateRole => "edit roles",
            Operation::DeleteRole => "delete roles",
        }
    }
}

/// Decides whether `actor` may perform `operation`. Anonymous and deactivated actors are
/// unauthenticated; a signed-in user without the permission is forbidden, with the missing
/// permission named.
pub fn authorize(actor: &Actor, operation: Operation) -> Result<&UserActor, DomainError> {
    let user = match actor {
        Actor::User(user) if user.status == UserStatus::Active => user,
        _ => return Err(DomainError::Unauthenticated),
    };
    match operation.requirement() {
        Requirement::SignedIn => Ok(user),
        Requirement::Permission(permission) if user.permissions.contains(&permission) => Ok(user),
        Requirement::Permission(permission) => Err(DomainError::Forbidden(format!(
            "You need the {permission} permission to {}.",
            operation.describe()
        ))),
    }
}
