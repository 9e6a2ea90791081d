use crate::harness::{TestCtx, db_test};
use domain::DomainError;
use domain::dto::{NewRole, RoleChanges, UserStatus};
use domain::entities::role;
use domain::ids::RoleId;
use domain::permissions::Permission;
use sea_orm::{EntityTrait, PaginatorTrait};

fn new_role(name: &str, permissions: &[&str]) -> NewRole {
    NewRole {
        resource_type: None,
        name: name.into(),
        display_name: "Custom".into(),
        description: "A custom role".into(),
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

fn changes(permissions: &[&str]) -> RoleChanges {
    RoleChanges {
        display_name: "Changed".into(),
        description: "Changed role".into(),
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
    }
}

db_test!(lists_builtin_roles_first, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let scope = ctx.services.scope(&admin);
    scope
        .create_role(new_role("auditor", &["user:ListUsers"]))
        .await
        .unwrap();
    let roles = scope.list_roles().await.unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    // Tenant roles first; then resource roles by type, strongest first.
    assert_eq!(
        names[..6],
        [
            "team-manager",
            "tenant-admin",
            "tenant-member",
            "auditor",
            "cluster-admin",
            "cluster-viewer"
        ]
    );
    assert!(roles[..4].iter().all(|r| r.resource_type.is_none()));
    assert!(roles[4..].iter().all(|r| r.resource_type.is_some()));
    let admin_role = roles.iter().find(|r| r.name == "tenant-admin").unwrap();
    assert!(admin_role.all_permissions && admin_role.builtin);
    assert_eq!(admin_role.permissions.len(), Permission::ALL.len());
    assert_eq!(admin_role.user_count, 1);
    let member = roles.iter().find(|r| r.name == "tenant-member").unwrap();
    assert_eq!(member.permissions.len(), 4);
});

db_test!(
    bad_role_input_is_refused_and_nothing_changes,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let before = role::Entity::find().count(&ctx.db).await.unwrap();
        let mut empty_description = new_role("ok-name", &["user:ListUsers"]);
        empty_description.description = "  ".into();
        let mut empty_display = new_role("ok-name", &["user:ListUsers"]);
        empty_display.display_name = "".into();
        let cases = vec![
            (new_role("Bad Name", &["user:ListUsers"]), "name"),
            (new_role("tenant-admin", &["user:ListUsers"]), "name"),
            (
                new_role("ok-name", &["user:ListUsers", "deploy:create", "nope"]),
                "permissions",
            ),
            (new_role("ok-name", &[]), "permissions"),
            (empty_description, "description"),
            (empty_display, "display_name"),
        ];
        for (input, field) in cases {
            match scope.create_role(input.clone()).await {
                Err(DomainError::Validation(err)) => {
                    assert_eq!(err.field, field, "{err}");
                    if field == "permissions" && !input.permissions.is_empty() {
                        assert!(
                            err.message.contains("deploy:create") && err.message.contains("nope"),
                            "{err}"
                        );
                    }
                }
                other => panic!("expected a validation error on {field}, got {other:?}"),
            }
        }
        assert_eq!(role::Entity::find().count(&ctx.db).await.unwrap(), before);
    }
);

db_test!(
    non_admins_cannot_grant_what_they_lack,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let tenant = ctx.default_tenant().await;
        ctx.services
            .scope(&admin)
            .create_role(new_role(
                "role-manager",
                &["role:ListRoles", "role:ManageRoles", "user:ListUsers"],
            ))
            .await
            .unwrap();
        let manager = ctx
            .actor(
                ctx.add_user_with_role(
                    tenant.id,
                    "rm@example.com",
                    "role-manager",
                    UserStatus::Active,
                )
                .await,
            )
            .await;
        let scope = ctx.services.scope(&manager);
        let err = scope
            .create_role(new_role(
                "too-strong",
                &[
                    "user:ListUsers",
                    "settings:ManageSettings",
                    "user:ManageUsers",
                ],
            ))
            .await
            .unwrap_err();
        match err {
            DomainError::Forbidden(message) => {
                assert!(
                    message.contains("settings:ManageSettings")
                        && message.contains("user:ManageUsers"),
                    "{message}"
                );
                assert!(!message.contains("user:ListUsers"), "{message}");
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        // Within their own permissions they may create and edit roles.
        let made = scope
            .create_role(new_role("viewer", &["user:ListUsers"]))
            .await
            .unwrap();
        assert!(matches!(
            scope
                .update_role(
                    made.id,
                    changes(&["user:ListUsers", "cluster:CreateCluster"])
                )
                .await,
            Err(DomainError::Forbidden(_))
        ));
        scope
            .update_role(made.id, changes(&["user:ListUsers", "role:ListRoles"]))
            .await
            .unwrap();
    }
);

db_test!(
    admin_role_is_fixed_and_builtins_stay,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let roles = scope.list_roles().await.unwrap();
        let id_of = |name: &str| roles.iter().find(|r| r.name == name).unwrap().id;
        assert!(matches!(
            scope
                .update_role(id_of("tenant-admin"), changes(&["user:ListUsers"]))
                .await,
            Err(DomainError::Conflict(_))
        ));
        for builtin in ["tenant-admin", "tenant-member", "team-manager"] {
            match scope.delete_role(id_of(builtin)).await {
                Err(DomainError::Conflict(message)) => {
                    assert_eq!(
                        message,
                        "Built-in roles cannot be deleted. Only custom roles can be removed."
                    )
                }
                other => panic!("expected Conflict, got {other:?}"),
            }
        }
    }
);

db_test!(
    editing_member_applies_on_the_next_request,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let member_role_id = ctx.role_id("tenant-member").await;
        let updated = scope
            .update_role(
                member_role_id,
                changes(&["user:ListUsers", "gateway-control:ListGatewayControls"]),
            )
            .await
            .unwrap();
        assert_eq!(
            updated.permissions,
            ["gateway-control:ListGatewayControls", "user:ListUsers"]
        );
        let member = ctx.actor(member_id).await;
        let held = &member.user().unwrap().permissions;
        assert!(held.contains(&Permission::ListGatewayControls));
        assert!(!held.contains(&Permission::CreateRepository));
    }
);

db_test!(deleting_roles, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let tenant = ctx.default_tenant().await;
    let scope = ctx.services.scope(&admin);
    let held = scope
        .create_role(new_role("held", &["user:ListUsers"]))
        .await
        .unwrap();
    ctx.add_user_with_role(tenant.id, "zed@example.com", "held", UserStatus::Active)
        .await;
    ctx.add_user_with_role(
        tenant.id,
        "amy@example.com",
        "held",
        UserStatus::Deactivated,
    )
    .await;
    match scope.delete_role(held.id).await {
        Err(DomainError::Conflict(message)) => {
            assert!(
                message.contains("2 user(s): amy@example.com, zed@example.com"),
                "{message}"
            )
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    let free = scope
        .create_role(new_role("free", &["user:ListUsers"]))
        .await
        .unwrap();
    scope.delete_role(free.id).await.unwrap();
    assert!(matches!(
        scope.delete_role(free.id).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        scope.delete_role(RoleId(999_999)).await,
        Err(DomainError::NotFound(_))
    ));

    // Another tenant's roles are invisible.
    let outsider = ctx.outsider_admin().await;
    let outside = ctx.services.scope(&outsider);
    assert!(matches!(
        outside.delete_role(held.id).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        outside
            .update_role(held.id, changes(&["user:ListUsers"]))
            .await,
        Err(DomainError::NotFound(_))
    ));
    assert!(
        outside
            .list_roles()
            .await
            .unwrap()
            .iter()
            .all(|r| r.name != "held")
    );
});

db_test!(
    role_names_take_either_case_and_are_unique_without_it,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let created = scope
            .create_role(new_role("MLOps-Deployer", &["user:ListUsers"]))
            .await
            .unwrap();
        assert_eq!(created.name, "MLOps-Deployer");
        for clash in ["mlops-deployer", "MLOPS-DEPLOYER", "Tenant-Admin"] {
            match scope
                .create_role(new_role(clash, &["user:ListUsers"]))
                .await
            {
                Err(DomainError::Validation(e)) => {
                    assert_eq!(e.field, "name");
                    assert!(e.message.contains("already exists"), "{}", e.message);
                }
                other => panic!("{clash}: expected a clash, got {other:?}"),
            }
        }
    }
);
