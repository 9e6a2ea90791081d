use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestCtx, db_test, setup_form};
use domain::dto::SetupStatus;
use domain::entities::{role, role_permission, setup_token};
use domain::permissions::{BuiltinRole, Permission};
use domain::resources::ResourceType;
use domain::{BootstrapOutcome, DomainError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A change that spoils one field of the setup form.
type FormEdit = Box<dyn Fn(&mut domain::dto::SetupForm)>;

db_test!(
    bootstrap_seeds_tenant_and_builtin_roles,
    |ctx: TestCtx| async move {
        ctx.bootstrap().await;
        let tenant = ctx.default_tenant().await;
        let roles = role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant.id))
            .all(&ctx.db)
            .await
            .unwrap();
        let mut names: Vec<_> = roles
            .iter()
            .filter(|r| r.resource_type.is_none())
            .map(|r| r.name.as_str())
            .collect();
        names.sort();
        assert_eq!(names, ["team-manager", "tenant-admin", "tenant-member"]);
        assert!(roles.iter().all(|r| r.builtin));
        // Seed 001's resource roles, each for its type, with its fixed permissions.
        let workspace_viewer = roles.iter().find(|r| r.name == "workspace-viewer").unwrap();
        assert_eq!(workspace_viewer.resource_type.as_deref(), Some("workspace"));
        let keys: Vec<_> = role_permission::Entity::find()
            .filter(role_permission::Column::RoleId.eq(workspace_viewer.id))
            .all(&ctx.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.permission)
            .collect();
        assert_eq!(keys, ["workspace:ReadWorkspace"]);
        let resource_roles: usize = ResourceType::ALL
            .iter()
            .map(|t| t.builtin_roles().len())
            .sum();
        assert_eq!(roles.len(), 3 + resource_roles);
        // A second start adds nothing.
        ctx.services.system_scope().bootstrap().await.unwrap();
        let again = role::Entity::find()
            .filter(role::Column::TenantId.eq(tenant.id))
            .all(&ctx.db)
            .await
            .unwrap();
        assert_eq!(again.len(), roles.len());

        let member = roles.iter().find(|r| r.name == "tenant-member").unwrap();
        let mut keys: Vec<_> = role_permission::Entity::find()
            .filter(role_permission::Column::RoleId.eq(member.id))
            .all(&ctx.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.permission)
            .collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "repository:CreateRepository",
                "secret-group:CreateSecretGroup",
                "settings:ListSettings",
                "user:ListUsers"
            ]
        );
    }
);

db_test!(
    setup_token_is_stored_hashed_and_replaced_at_each_start,
    |ctx: TestCtx| async move {
        let first = ctx.bootstrap().await;
        assert!(first.len() >= 40, "token has enough entropy");
        let stored = setup_token::Entity::find().all(&ctx.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].token_hash, first, "only a hash is stored");
        assert!(!stored[0].token_hash.contains(&first));

        // A restart before setup issues a new link; the old one is dead.
        let second = ctx.bootstrap().await;
        assert_ne!(first, second);
        let auth = ctx.services.auth();
        assert_eq!(
            auth.setup_status(&first).await.unwrap(),
            SetupStatus::InvalidLink
        );
        assert_eq!(auth.setup_status(&second).await.unwrap(), SetupStatus::Open);
        assert_eq!(
            auth.setup_status("forged-token").await.unwrap(),
            SetupStatus::InvalidLink
        );
    }
);

db_test!(setup_creates_admin_once, |ctx: TestCtx| async move {
    let token = ctx.bootstrap().await;
    let signed_in = ctx
        .services
        .auth()
        .complete_setup(setup_form(&token))
        .await
        .expect("setup");
    let actor = ctx.actor(signed_in.user_id).await;
    let me = actor.user().unwrap();
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.role_name, BuiltinRole::Admin.name());
    assert_eq!(
        me.permissions.len(),
        Permission::ALL.len(),
        "Admin holds every permission"
    );

    // The link is dead, and so is any other: setup is complete.
    let auth = ctx.services.auth();
    assert_eq!(
        auth.setup_status(&token).await.unwrap(),
        SetupStatus::Completed
    );
    let mut again = setup_form(&token);
    again.email = "second@example.com".into();
    assert!(matches!(
        auth.complete_setup(again).await,
        Err(DomainError::Conflict(_))
    ));
    assert_eq!(ctx.user_count().await, 1);

    // Later starts do not issue links any more.
    assert_eq!(
        ctx.services.system_scope().bootstrap().await.unwrap(),
        BootstrapOutcome::Ready
    );

    // And the admin can sign in with the chosen password.
    auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.1")
        .await
        .expect("sign in");
});

db_test!(
    setup_rejects_bad_input_and_writes_nothing,
    |ctx: TestCtx| async move {
        let token = ctx.bootstrap().await;
        let auth = ctx.services.auth();
        let cases: Vec<(&str, FormEdit)> = vec![
            ("email", Box::new(|f| f.email = "not-an-email".into())),
            ("email", Box::new(|f| f.email = "".into())),
            ("display_name", Box::new(|f| f.display_name = "   ".into())),
            (
                "display_name",
                Box::new(|f| f.display_name = "n".repeat(101)),
            ),
            (
                "password",
                Box::new(|f| {
                    f.password = "short".into();
                    f.password_confirm = "short".into();
                }),
            ),
            (
                "password",
                Box::new(|f| {
                    f.password = "p".repeat(129);
                    f.password_confirm = "p".repeat(129);
                }),
            ),
            (
                "password_confirm",
                Box::new(|f| f.password_confirm = "something else".into()),
            ),
            ("token", Box::new(|f| f.token = "forged".into())),
        ];
        for (field, mutate) in cases {
            let mut form = setup_form(&token);
            mutate(&mut form);
            match auth.complete_setup(form).await {
                Err(DomainError::Validation(err)) => assert_eq!(err.field, field, "{err}"),
                other => panic!("expected a validation error on {field}, got {other:?}"),
            }
        }
        assert_eq!(ctx.user_count().await, 0, "nothing written");
        assert_eq!(
            auth.setup_status(&token).await.unwrap(),
            SetupStatus::Open,
            "link still valid"
        );
    }
);

db_test!(
    create_admin_from_the_command_line,
    |ctx: TestCtx| async move {
        ctx.bootstrap().await;
        let system = ctx.services.system_scope();
        let created = system
            .create_admin("Ops@Example.com", "Ops", None)
            .await
            .expect("create");
        let password = created.generated_password.expect("generated password");
        assert!(password.len() >= 20);
        ctx.services
            .auth()
            .sign_in_with_password("ops@example.com", &password, "10.0.0.2")
            .await
            .expect("sign in");

        let given = system
            .create_admin("second@example.com", "Second", Some(ADMIN_PASSWORD.into()))
            .await
            .unwrap();
        assert_eq!(given.generated_password, None);

        assert!(matches!(
            system.create_admin("ops@example.com", "Again", None).await,
            Err(DomainError::Conflict(_))
        ));
        assert!(matches!(
            system.create_admin("bad", "Bad", None).await,
            Err(DomainError::Validation(_))
        ));
        assert!(matches!(
            system
                .create_admin("x@example.com", "X", Some("short".into()))
                .await,
            Err(DomainError::Validation(_))
        ));
        assert_eq!(ctx.user_count().await, 2);
    }
);
