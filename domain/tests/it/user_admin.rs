use crate::harness::{ADMIN_PASSWORD, TestCtx, db_test};
use domain::DomainError;
use domain::dto::{NewRole, RoleManagedBy, UserStatus};
use domain::entities::session;
use domain::ids::RoleId;
use domain::permissions::BuiltinRole;
use sea_orm::{EntityTrait, PaginatorTrait};

db_test!(
    user_page_shows_effective_permissions,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let detail = ctx.services.scope(&admin).get_user(member).await.unwrap();
        assert_eq!(detail.user.email, "m@example.com");
        // In catalog order.
        let keys: Vec<_> = detail
            .effective_permissions
            .iter()
            .map(|p| p.key.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "user:ListUsers",
                "repository:CreateRepository",
                "secret-group:CreateSecretGroup",
                "settings:ListSettings"
            ]
        );
        assert!(
            detail
                .effective_permissions
                .iter()
                .all(|p| p.sources == ["Role: Member"])
        );
    }
);

db_test!(
    changing_a_role_is_manual_and_immediate,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let manager_role = ctx.role_id("team-manager").await;
        let detail = ctx
            .services
            .scope(&admin)
            .change_user_role(member, manager_role)
            .await
            .unwrap();
        assert_eq!(detail.user.role_name, "team-manager");
        assert_eq!(detail.role_managed_by, RoleManagedBy::Manual);
        let now = ctx.actor(member).await;
        assert_eq!(now.user().unwrap().role_name, "team-manager");
        // Unknown or foreign role ids read as not found; nothing changes.
        assert!(matches!(
            ctx.services
                .scope(&admin)
                .change_user_role(member, RoleId(424_242))
                .await,
            Err(DomainError::NotFound(_))
        ));
    }
);

db_test!(the_last_admin_stays, |ctx: TestCtx| async move {
    let admin_id = ctx.with_admin().await;
    let admin = ctx.actor(admin_id).await;
    let scope = ctx.services.scope(&admin);
    let member_role = ctx.role_id("tenant-member").await;
    match scope.change_user_role(admin_id, member_role).await {
        Err(DomainError::Conflict(message)) => {
            assert!(message.contains("last active Admin"), "{message}")
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert!(matches!(
        scope.deactivate_user(admin_id).await,
        Err(DomainError::Conflict(_))
    ));
    assert_eq!(
        ctx.actor(admin_id).await.user().unwrap().role_name,
        "tenant-admin"
    );

    // With a second active Admin, the first may step down.
    let tenant = ctx.default_tenant().await;
    let second = ctx
        .add_user(
            tenant.id,
            "second@example.com",
            BuiltinRole::Admin,
            UserStatus::Active,
        )
        .await;
    scope.change_user_role(admin_id, member_role).await.unwrap();
    let second_actor = ctx.actor(second).await;
    assert!(matches!(
        ctx.services
            .scope(&second_actor)
            .deactivate_user(second)
            .await,
        Err(DomainError::Conflict(_))
    ));
});

db_test!(
    custom_role_holders_cannot_grant_admin_or_touch_admins,
    |ctx: TestCtx| async move {
        let admin_id = ctx.with_admin().await;
        let admin = ctx.actor(admin_id).await;
        let tenant = ctx.default_tenant().await;
        ctx.services
            .scope(&admin)
            .create_role(NewRole {
                resource_type: None,
                name: "people-ops".into(),
                display_name: "People ops".into(),
                description: "Manages users".into(),
                permissions: vec!["user:ListUsers".into(), "user:ManageUsers".into()],
            })
            .await
            .unwrap();
        let ops = ctx
            .actor(
                ctx.add_user_with_role(
                    tenant.id,
                    "ops@example.com",
                    "people-ops",
                    UserStatus::Active,
                )
                .await,
            )
            .await;
        let scope = ctx.services.scope(&ops);
        let member = ctx
            .add_user(
                tenant.id,
                "m@example.com",
                BuiltinRole::Member,
                UserStatus::Active,
            )
            .await;
        let other = ctx
            .add_user(
                tenant.id,
                "n@example.com",
                BuiltinRole::TeamManager,
                UserStatus::Active,
            )
            .await;

        match scope
            .change_user_role(member, ctx.role_id("tenant-admin").await)
            .await
        {
            Err(DomainError::Forbidden(message)) => {
                assert_eq!(message, "Only an Admin can make someone an Admin.")
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        // The pickers offer the same answers the service gives.
        let choices = scope.assignable_roles().await.unwrap();
        let reason = |name: &str| {
            choices
                .iter()
                .find(|c| c.name == name)
                .unwrap()
                .unavailable
                .clone()
        };
        assert_eq!(
            reason("tenant-admin").as_deref(),
            Some("Only an Admin can make someone an Admin.")
        );
        assert_eq!(
            reason("tenant-member").as_deref(),
            Some(
                "Only an Admin can grant permissions they do not hold. You lack: \
                 repository:CreateRepository, secret-group:CreateSecretGroup, settings:ListSettings."
            )
        );
        assert_eq!(reason("people-ops"), None);
        assert!(
            ctx.services
                .scope(&admin)
                .assignable_roles()
                .await
                .unwrap()
                .iter()
                .all(|c| c.unavailable.is_none()),
            "an Admin may hand out every role"
        );
        // Member holds settings:ListSettings etc., which people-ops lacks.
        assert!(matches!(
            scope
                .change_user_role(other, ctx.role_id("tenant-member").await)
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // Nor may they re-role someone who holds more than they do (a Member), even to a
        // role within their own permissions...
        assert!(matches!(
            scope
                .change_user_role(member, ctx.role_id("people-ops").await)
                .await,
            Err(DomainError::Forbidden(m)) if m.starts_with("m@example.com holds permissions you lack")
        ));
        // ...while someone holding no more than they do is theirs to re-role.
        let peer = ctx
            .add_user_with_role(
                tenant.id,
                "peer@example.com",
                "people-ops",
                UserStatus::Active,
            )
            .await;
        scope
            .change_user_role(peer, ctx.role_id("people-ops").await)
            .await
            .unwrap();
        // Admins are out of reach.
        assert!(matches!(
            scope.deactivate_user(admin_id).await,
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            scope
                .change_user_role(admin_id, ctx.role_id("people-ops").await)
                .await,
            Err(DomainError::Forbidden(_))
        ));
    }
);

db_test!(
    deactivation_ends_sessions_and_sign_in,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        ctx.add_session(member).await;
        let scope = ctx.services.scope(&admin);
        let detail = scope.deactivate_user(member).await.unwrap();
        assert_eq!(detail.user.status, UserStatus::Deactivated);
        assert_eq!(
            session::Entity::find().count(&ctx.db).await.unwrap(),
            0,
            "the member's session ended"
        );
        assert!(matches!(
            ctx.services
                .auth()
                .sign_in_with_password("m@example.com", ADMIN_PASSWORD, "10.0.0.1")
                .await,
            Err(DomainError::AccountDeactivated)
        ));
        scope.activate_user(member).await.unwrap();
        ctx.services
            .auth()
            .sign_in_with_password("m@example.com", ADMIN_PASSWORD, "10.0.0.1")
            .await
            .unwrap();

        // Another tenant's admin cannot reach this user.
        let outsider = ctx.outsider_admin().await;
        assert!(matches!(
            ctx.services.scope(&outsider).deactivate_user(member).await,
            Err(DomainError::NotFound(_))
        ));
        assert!(matches!(
            ctx.services.scope(&outsider).get_user(member).await,
            Err(DomainError::NotFound(_))
        ));
    }
);
