//! The allow/deny matrix: every `Scope` operation against every kind of actor. Adding an
//! operation without rows here fails `every_operation_has_a_row_per_actor_kind`, and adding it
//! without a case in `perform` does not compile.

use crate::harness::{TestCtx, db_test};
use domain::dto::{UserQuery, UserStatus};
use domain::permissions::BuiltinRole;
use domain::{Actor, DomainError, Operation, Requirement, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    Admin,
    Member,
    /// Holds a role without user:ListUsers (the default Team Manager role).
    TeamManager,
    /// An Admin whose account was deactivated: holds every permission on paper, may use none.
    DeactivatedAdmin,
}

const KINDS: &[Kind] = &[
    Kind::Anonymous,
    Kind::Admin,
    Kind::Member,
    Kind::TeamManager,
    Kind::DeactivatedAdmin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    /// Not signed in (or no longer allowed to be): 401.
    Unauthenticated,
    /// Signed in without the permission: 403.
    Forbidden,
}

use Expect::*;
use Kind::*;

const MATRIX: &[(Operation, Kind, Expect)] = &[
    (Operation::ViewCurrentUser, Anonymous, Unauthenticated),
    (Operation::ViewCurrentUser, Admin, Allow),
    (Operation::ViewCurrentUser, Member, Allow),
    (Operation::ViewCurrentUser, TeamManager, Allow),
    (
        Operation::ViewCurrentUser,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ListUsers, Anonymous, Unauthenticated),
    (Operation::ListUsers, Admin, Allow),
    (Operation::ListUsers, Member, Allow),
    (Operation::ListUsers, TeamManager, Forbidden),
    (Operation::ListUsers, DeactivatedAdmin, Unauthenticated),
];

/// Runs one operation through the scope, reducing the answer to ok / the error.
async fn perform(scope: &Scope<'_>, operation: Operation) -> Result<(), DomainError> {
    match operation {
        Operation::ViewCurrentUser => scope.current_user().await.map(drop),
        Operation::ListUsers => scope.list_users(UserQuery::default()).await.map(drop),
    }
}

fn classify(result: &Result<(), DomainError>) -> Expect {
    match result {
        Ok(()) => Allow,
        Err(DomainError::Unauthenticated) => Unauthenticated,
        Err(DomainError::Forbidden(_)) => Forbidden,
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

#[test]
fn every_operation_has_a_row_per_actor_kind() {
    for operation in Operation::ALL {
        for kind in KINDS {
            let rows = MATRIX
                .iter()
                .filter(|(op, k, _)| op == operation && k == kind)
                .count();
            assert_eq!(
                rows, 1,
                "{operation:?} x {kind:?} needs exactly one row in MATRIX, has {rows}"
            );
        }
    }
}

async fn actor_of(ctx: &TestCtx, kind: Kind, tenant_id: i64) -> Actor {
    let (email, role, status) = match kind {
        Anonymous => return Actor::Anonymous,
        Admin => (
            "matrix-admin@example.com",
            BuiltinRole::Admin,
            UserStatus::Active,
        ),
        Member => (
            "matrix-member@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        ),
        TeamManager => (
            "matrix-manager@example.com",
            BuiltinRole::TeamManager,
            UserStatus::Active,
        ),
        DeactivatedAdmin => (
            "matrix-gone@example.com",
            BuiltinRole::Admin,
            UserStatus::Deactivated,
        ),
    };
    let user = ctx.add_user(tenant_id, email, role, status).await;
    ctx.actor(user).await
}

db_test!(matrix_holds, |ctx: TestCtx| async move {
    ctx.with_admin().await;
    let tenant = ctx.default_tenant().await;
    for kind in KINDS {
        let actor = actor_of(&ctx, *kind, tenant.id).await;
        let scope = ctx.services.scope(&actor);
        for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| k == kind) {
            let result = perform(&scope, *operation).await;
            assert_eq!(
                classify(&result),
                *expected,
                "{operation:?} as {kind:?}: {result:?}"
            );
            // A refusal names the permission that is missing.
            if let (Err(DomainError::Forbidden(message)), Requirement::Permission(permission)) =
                (&result, operation.requirement())
            {
                assert!(message.contains(permission.key()), "{message}");
            }
            // The pure decision agrees with what the operation did.
            let decided = domain::authorize(&actor, *operation).map(drop);
            assert_eq!(
                classify(&decided),
                *expected,
                "authorize({operation:?}) as {kind:?}"
            );
        }
    }
});
