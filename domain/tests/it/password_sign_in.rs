use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestCtx, db_test};
use domain::DomainError;
use domain::dto::UserStatus;
use domain::entities::user;
use domain::permissions::BuiltinRole;
use sea_orm::EntityTrait;

db_test!(
    right_password_signs_in_and_records_last_login,
    |ctx: TestCtx| async move {
        let admin = ctx.with_admin().await;
        let before = user::Entity::find_by_id(admin.0)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .last_login_at;
        let signed_in = ctx
            .services
            .auth()
            .sign_in_with_password(" ADMIN@example.com ", ADMIN_PASSWORD, "10.0.0.1")
            .await
            .expect("sign in");
        assert_eq!(signed_in.user_id, admin);
        let after = user::Entity::find_by_id(admin.0)
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap()
            .last_login_at;
        assert!(after.is_some() && after >= before);
    }
);

db_test!(
    unknown_email_and_wrong_password_look_the_same,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        let auth = ctx.services.auth();
        let wrong = auth
            .sign_in_with_password(ADMIN_EMAIL, "wrong password", "10.0.0.1")
            .await
            .unwrap_err();
        let unknown = auth
            .sign_in_with_password("nobody@example.com", ADMIN_PASSWORD, "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(wrong, DomainError::InvalidCredentials));
        assert!(matches!(unknown, DomainError::InvalidCredentials));
        assert_eq!(wrong.to_string(), unknown.to_string());
    }
);

db_test!(bad_input_is_named, |ctx: TestCtx| async move {
    ctx.with_admin().await;
    let auth = ctx.services.auth();
    for (email, password, field) in [
        ("not-an-email", "whatever1", "email"),
        (ADMIN_EMAIL, "", "password"),
        (ADMIN_EMAIL, &"p".repeat(129), "password"),
    ] {
        match auth
            .sign_in_with_password(email, password, "10.0.0.1")
            .await
        {
            Err(DomainError::Validation(err)) => assert_eq!(err.field, field),
            other => panic!("expected validation error on {field}, got {other:?}"),
        }
    }
});

db_test!(failures_lock_the_account, |ctx: TestCtx| async move {
    ctx.with_admin().await;
    let auth = ctx.services.auth();
    // Five failures from five addresses: the per-account limit trips, not the per-address one.
    for i in 0..5 {
        let err = auth
            .sign_in_with_password(ADMIN_EMAIL, "wrong password", &format!("10.0.1.{i}"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::InvalidCredentials),
            "attempt {i}: {err:?}"
        );
    }
    let locked = auth
        .sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.2.1")
        .await
        .unwrap_err();
    match locked {
        DomainError::RateLimited { retry_after_secs } => {
            assert!(retry_after_secs > 0 && retry_after_secs <= 15 * 60)
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
});

db_test!(failures_lock_the_address, |ctx: TestCtx| async move {
    ctx.with_admin().await;
    let auth = ctx.services.auth();
    // Twenty failures against many accounts from one address lock that address.
    for i in 0..20 {
        let err = auth
            .sign_in_with_password(
                &format!("user{i}@example.com"),
                "wrong password",
                "10.9.9.9",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, DomainError::InvalidCredentials),
            "attempt {i}: {err:?}"
        );
    }
    let locked = auth
        .sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.9.9.9")
        .await
        .unwrap_err();
    assert!(
        matches!(locked, DomainError::RateLimited { .. }),
        "{locked:?}"
    );
    // Another address is not affected.
    auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.9.9.10")
        .await
        .expect("other address");
});

db_test!(
    success_resets_the_account_count,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        let auth = ctx.services.auth();
        for _ in 0..4 {
            auth.sign_in_with_password(ADMIN_EMAIL, "wrong password", "10.0.0.1")
                .await
                .unwrap_err();
        }
        auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.1")
            .await
            .expect("fifth try is right");
        for _ in 0..4 {
            auth.sign_in_with_password(ADMIN_EMAIL, "wrong password", "10.0.0.1")
                .await
                .unwrap_err();
        }
        auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.1")
            .await
            .expect("count was reset");
    }
);

db_test!(
    deactivated_users_cannot_sign_in,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "gone@example.com",
            BuiltinRole::Member,
            UserStatus::Deactivated,
        )
        .await;
        let err = ctx
            .services
            .auth()
            .sign_in_with_password("gone@example.com", ADMIN_PASSWORD, "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::AccountDeactivated), "{err:?}");
        // With a wrong password they get the generic answer, revealing nothing.
        let err = ctx
            .services
            .auth()
            .sign_in_with_password("gone@example.com", "wrong password", "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::InvalidCredentials));
    }
);
