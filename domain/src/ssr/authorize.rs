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
    pub const ALL: &'static [Operation] = &[Operation::ViewCurrentUser, Operation::ListUsers];

    pub fn requirement(self) -> Requirement {
        match self {
            Operation::ViewCurrentUser => Requirement::SignedIn,
            Operation::ListUsers => Requirement::Permission(Permission::ListUsers),
        }
    }

    /// Words for refusals: "You need user:ListUsers to list users."
    pub fn describe(self) -> &'static str {
        match self {
            Operation::ViewCurrentUser => "view your account",
            Operation::ListUsers => "list users",
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
