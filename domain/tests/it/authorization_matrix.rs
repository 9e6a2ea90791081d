//! The allow/deny matrix: every `Scope` operation against every kind of actor. Adding an
//! operation without rows here fails `every_operation_has_a_row_per_actor_kind`, and adding it
//! without a case in `perform` does not compile.

use crate::harness::{TestCtx, db_test};
use domain::dto::{InviteRequest, NewRole, RoleChanges, UserQuery, UserStatus};
use domain::ids::{RoleId, UserId};
use domain::permissions::BuiltinRole;
use domain::{Actor, DomainError, Operation, Requirement, Scope};
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Anonymous,
    Admin,
    Member,
    /// Holds the default Team Manager role (team:ReadTeam only).
    TeamManager,
    /// Holds a custom role with user and role management, but not Admin.
    CustomRole,
    /// An Admin whose account was deactivated: holds every permission on paper, may use none.
    DeactivatedAdmin,
    /// The Admin of another tenant, reaching for this tenant's ids.
    OtherTenantAdmin,
}

const KINDS: &[Kind] = &[
    Kind::Anonymous,
    Kind::Admin,
    Kind::Member,
    Kind::TeamManager,
    Kind::CustomRole,
    Kind::DeactivatedAdmin,
    Kind::OtherTenantAdmin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allow,
    /// Not signed in (or no longer allowed to be): 401.
    Unauthenticated,
    /// Signed in without the permission: 403.
    Forbidden,
    /// The target is not in the actor's tenant: 404, exactly as if it did not exist.
    NotFound,
}

use Expect::*;
use Kind::*;

const MATRIX: &[(Operation, Kind, Expect)] = &[
    (Operation::ViewCurrentUser, Anonymous, Unauthenticated),
    (Operation::ViewCurrentUser, Admin, Allow),
    (Operation::ViewCurrentUser, Member, Allow),
    (Operation::ViewCurrentUser, TeamManager, Allow),
    (Operation::ViewCurrentUser, CustomRole, Allow),
    (
        Operation::ViewCurrentUser,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ViewCurrentUser, OtherTenantAdmin, Allow),
    (Operation::ListUsers, Anonymous, Unauthenticated),
    (Operation::ListUsers, Admin, Allow),
    (Operation::ListUsers, Member, Allow),
    (Operation::ListUsers, TeamManager, Forbidden),
    (Operation::ListUsers, CustomRole, Allow),
    (Operation::ListUsers, DeactivatedAdmin, Unauthenticated),
    (Operation::ListUsers, OtherTenantAdmin, Allow),
    (Operation::ViewUser, Anonymous, Unauthenticated),
    (Operation::ViewUser, Admin, Allow),
    (Operation::ViewUser, Member, Allow),
    (Operation::ViewUser, TeamManager, Forbidden),
    (Operation::ViewUser, CustomRole, Allow),
    (Operation::ViewUser, DeactivatedAdmin, Unauthenticated),
    (Operation::ViewUser, OtherTenantAdmin, NotFound),
    (Operation::ChangeUserRole, Anonymous, Unauthenticated),
    (Operation::ChangeUserRole, Admin, Allow),
    (Operation::ChangeUserRole, Member, Forbidden),
    (Operation::ChangeUserRole, TeamManager, Forbidden),
    (Operation::ChangeUserRole, CustomRole, Allow),
    (Operation::ChangeUserRole, DeactivatedAdmin, Unauthenticated),
    (Operation::ChangeUserRole, OtherTenantAdmin, NotFound),
    (Operation::SetUserStatus, Anonymous, Unauthenticated),
    (Operation::SetUserStatus, Admin, Allow),
    (Operation::SetUserStatus, Member, Forbidden),
    (Operation::SetUserStatus, TeamManager, Forbidden),
    (Operation::SetUserStatus, CustomRole, Allow),
    (Operation::SetUserStatus, DeactivatedAdmin, Unauthenticated),
    (Operation::SetUserStatus, OtherTenantAdmin, NotFound),
    (Operation::InviteUsers, Anonymous, Unauthenticated),
    (Operation::InviteUsers, Admin, Allow),
    (Operation::InviteUsers, Member, Forbidden),
    (Operation::InviteUsers, TeamManager, Forbidden),
    (Operation::InviteUsers, CustomRole, Allow),
    (Operation::InviteUsers, DeactivatedAdmin, Unauthenticated),
    (Operation::InviteUsers, OtherTenantAdmin, NotFound),
    (Operation::ResetUserPassword, Anonymous, Unauthenticated),
    (Operation::ResetUserPassword, Admin, Allow),
    (Operation::ResetUserPassword, Member, Forbidden),
    (Operation::ResetUserPassword, TeamManager, Forbidden),
    (Operation::ResetUserPassword, CustomRole, Allow),
    (
        Operation::ResetUserPassword,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::ResetUserPassword, OtherTenantAdmin, NotFound),
    (Operation::DeleteUser, Anonymous, Unauthenticated),
    (Operation::DeleteUser, Admin, Allow),
    (Operation::DeleteUser, Member, Forbidden),
    (Operation::DeleteUser, TeamManager, Forbidden),
    (Operation::DeleteUser, CustomRole, Allow),
    (Operation::DeleteUser, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteUser, OtherTenantAdmin, NotFound),
    (Operation::UpdateOwnProfile, Anonymous, Unauthenticated),
    (Operation::UpdateOwnProfile, Admin, Allow),
    (Operation::UpdateOwnProfile, Member, Allow),
    (Operation::UpdateOwnProfile, TeamManager, Allow),
    (Operation::UpdateOwnProfile, CustomRole, Allow),
    (
        Operation::UpdateOwnProfile,
        DeactivatedAdmin,
        Unauthenticated,
    ),
    (Operation::UpdateOwnProfile, OtherTenantAdmin, Allow),
    (Operation::ListRoles, Anonymous, Unauthenticated),
    (Operation::ListRoles, Admin, Allow),
    (Operation::ListRoles, Member, Forbidden),
    (Operation::ListRoles, TeamManager, Forbidden),
    (Operation::ListRoles, CustomRole, Allow),
    (Operation::ListRoles, DeactivatedAdmin, Unauthenticated),
    (Operation::ListRoles, OtherTenantAdmin, Allow),
    (Operation::CreateRole, Anonymous, Unauthenticated),
    (Operation::CreateRole, Admin, Allow),
    (Operation::CreateRole, Member, Forbidden),
    (Operation::CreateRole, TeamManager, Forbidden),
    (Operation::CreateRole, CustomRole, Allow),
    (Operation::CreateRole, DeactivatedAdmin, Unauthenticated),
    (Operation::CreateRole, OtherTenantAdmin, Allow),
    (Operation::UpdateRole, Anonymous, Unauthenticated),
    (Operation::UpdateRole, Admin, Allow),
    (Operation::UpdateRole, Member, Forbidden),
    (Operation::UpdateRole, TeamManager, Forbidden),
    (Operation::UpdateRole, CustomRole, Allow),
    (Operation::UpdateRole, DeactivatedAdmin, Unauthenticated),
    (Operation::UpdateRole, OtherTenantAdmin, NotFound),
    (Operation::DeleteRole, Anonymous, Unauthenticated),
    (Operation::DeleteRole, Admin, Allow),
    (Operation::DeleteRole, Member, Forbidden),
    (Operation::DeleteRole, TeamManager, Forbidden),
    (Operation::DeleteRole, CustomRole, Allow),
    (Operation::DeleteRole, DeactivatedAdmin, Unauthenticated),
    (Operation::DeleteRole, OtherTenantAdmin, NotFound),
];

/// Objects of the default tenant the operations act on.
struct Fixtures {
    /// A Member the user operations target.
    target: UserId,
    /// A custom role holding only user:ListUsers, which the custom-role actor may hand out.
    viewer_role: RoleId,
    /// The default tenant.
    tenant_id: i64,
}

static ROLE_COUNTER: AtomicU32 = AtomicU32::new(0);

fn viewer_permissions() -> Vec<String> {
    vec!["user:ListUsers".to_string()]
}

/// A custom role nobody holds, in the default tenant, made without going through any scope.
async fn fresh_role(ctx: &TestCtx) -> RoleId {
    let admin = ctx.actor(ctx.admin_id().await).await;
    let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
    ctx.services
        .scope(&admin)
        .create_role(NewRole {
            name: format!("matrix-role-{n}"),
            display_name: format!("Matrix role {n}"),
            description: "made by the matrix".into(),
            permissions: viewer_permissions(),
        })
        .await
        .expect("fixture role")
        .id
}

/// Runs one operation through the scope, reducing the answer to ok / the error.
async fn perform(
    ctx: &TestCtx,
    scope: &Scope<'_>,
    fixtures: &Fixtures,
    operation: Operation,
) -> Result<(), DomainError> {
    match operation {
        Operation::ViewCurrentUser => scope.current_user().await.map(drop),
        Operation::ListUsers => scope.list_users(UserQuery::default()).await.map(drop),
        Operation::ViewUser => scope.get_user(fixtures.target).await.map(drop),
        Operation::ChangeUserRole => scope
            .change_user_role(fixtures.target, fixtures.viewer_role)
            .await
            .map(drop),
        Operation::SetUserStatus => {
            scope.deactivate_user(fixtures.target).await?;
            scope.activate_user(fixtures.target).await.map(drop)
        }
        Operation::InviteUsers => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .invite_users(InviteRequest {
                    emails: format!("invited-{n}@example.com"),
                    role_id: fixtures.viewer_role,
                    send_password_email: true,
                })
                .await
                .map(drop)
        }
        Operation::ResetUserPassword => scope.reset_user_password(fixtures.target).await.map(drop),
        Operation::DeleteUser => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            let doomed = ctx
                .add_user(
                    fixtures.tenant_id,
                    &format!("doomed-{n}@example.com"),
                    BuiltinRole::Member,
                    UserStatus::Active,
                )
                .await;
            scope.delete_user(doomed).await
        }
        Operation::UpdateOwnProfile => scope
            .update_own_display_name("Matrix Person")
            .await
            .map(drop),
        Operation::ListRoles => scope.list_roles().await.map(drop),
        Operation::CreateRole => {
            let n = ROLE_COUNTER.fetch_add(1, Ordering::SeqCst);
            scope
                .create_role(NewRole {
                    name: format!("created-{n}"),
                    display_name: "Created".into(),
                    description: "created by the matrix".into(),
                    permissions: viewer_permissions(),
                })
                .await
                .map(drop)
        }
        Operation::UpdateRole => scope
            .update_role(
                fixtures.viewer_role,
                RoleChanges {
                    display_name: "Viewer".into(),
                    description: "reads users".into(),
                    permissions: viewer_permissions(),
                },
            )
            .await
            .map(drop),
        Operation::DeleteRole => {
            let role = fresh_role(ctx).await;
            scope.delete_role(role).await
        }
    }
}

fn classify(result: &Result<(), DomainError>) -> Expect {
    match result {
        Ok(()) => Allow,
        Err(DomainError::Unauthenticated) => Unauthenticated,
        Err(DomainError::Forbidden(_)) => Forbidden,
        Err(DomainError::NotFound(_)) => NotFound,
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
    let (email, role, status, tenant) = match kind {
        Anonymous => return Actor::Anonymous,
        Admin => (
            "matrix-admin@example.com",
            BuiltinRole::Admin.name(),
            UserStatus::Active,
            tenant_id,
        ),
        Member => (
            "matrix-member@example.com",
            BuiltinRole::Member.name(),
            UserStatus::Active,
            tenant_id,
        ),
        TeamManager => (
            "matrix-manager@example.com",
            BuiltinRole::TeamManager.name(),
            UserStatus::Active,
            tenant_id,
        ),
        CustomRole => (
            "matrix-custom@example.com",
            "user-manager",
            UserStatus::Active,
            tenant_id,
        ),
        DeactivatedAdmin => (
            "matrix-gone@example.com",
            BuiltinRole::Admin.name(),
            UserStatus::Deactivated,
            tenant_id,
        ),
        OtherTenantAdmin => {
            let other = ctx.other_tenant().await;
            (
                "outsider@example.com",
                BuiltinRole::Admin.name(),
                UserStatus::Active,
                other,
            )
        }
    };
    let user = ctx.add_user_with_role(tenant, email, role, status).await;
    ctx.actor(user).await
}

db_test!(matrix_holds, |ctx: TestCtx| async move {
    let admin_id = ctx.with_admin().await;
    let tenant = ctx.default_tenant().await;
    let admin = ctx.actor(admin_id).await;
    let scope = ctx.services.scope(&admin);
    scope
        .create_role(NewRole {
            name: "user-manager".into(),
            display_name: "User manager".into(),
            description: "manages users and roles".into(),
            permissions: [
                "user:ListUsers",
                "user:ManageUsers",
                "role:ListRoles",
                "role:ManageRoles",
            ]
            .map(String::from)
            .to_vec(),
        })
        .await
        .unwrap();
    let fixtures = Fixtures {
        target: ctx
            .add_user(
                tenant.id,
                "matrix-target@example.com",
                BuiltinRole::Member,
                UserStatus::Active,
            )
            .await,
        viewer_role: fresh_role(&ctx).await,
        tenant_id: tenant.id,
    };
    for kind in KINDS {
        let actor = actor_of(&ctx, *kind, tenant.id).await;
        let scope = ctx.services.scope(&actor);
        for (operation, _, expected) in MATRIX.iter().filter(|(_, k, _)| k == kind) {
            let result = perform(&ctx, &scope, &fixtures, *operation).await;
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
            // The pure decision agrees, except that it cannot see tenants (NotFound comes from
            // looking the target up inside the actor's tenant).
            if *expected != NotFound {
                let decided = domain::authorize(&actor, *operation).map(drop);
                assert_eq!(
                    classify(&decided),
                    *expected,
                    "authorize({operation:?}) as {kind:?}"
                );
            }
        }
    }
});
