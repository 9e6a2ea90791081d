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

db_test!(
    a_burst_of_parallel_guesses_is_judged_only_up_to_the_limit,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        // Twelve guesses at once against an account limit of five: each takes its place in the
        // count before its password is checked, so at most five are judged.
        let guesses = (0..12).map(|n| {
            let services = ctx.services.clone();
            tokio::spawn(async move {
                services
                    .auth()
                    .sign_in_with_password(ADMIN_EMAIL, &format!("guess number {n}"), "10.0.0.9")
                    .await
            })
        });
        let mut judged = 0;
        let mut refused = 0;
        for guess in guesses.collect::<Vec<_>>() {
            match guess.await.unwrap() {
                Err(DomainError::InvalidCredentials) => judged += 1,
                Err(DomainError::RateLimited { .. }) => refused += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(judged, 5, "judged {judged}, refused {refused}");
        assert_eq!(refused, 7);
        // The right password is refused too while the account is locked.
        assert!(matches!(
            ctx.services
                .auth()
                .sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.10")
                .await,
            Err(DomainError::RateLimited { .. })
        ));
    }
);

db_test!(
    a_successful_sign_in_gives_back_its_place_in_the_address_count,
    |ctx: TestCtx| async move {
        ctx.with_admin().await;
        // Twenty-five good sign-ins from one address never lock it (the limit is 20 failures).
        for _ in 0..25 {
            ctx.services
                .auth()
                .sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.11")
                .await
                .expect("sign in");
        }
    }
);

/// Password hashing beyond what the cores can work through (plus a short queue) is refused at
/// once with 429, instead of queueing 19 MiB jobs until requests time out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashing_beyond_capacity_is_refused_at_once() {
    let hasher = domain::PasswordHasher::new();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let burst = cores * 30;
    let jobs: Vec<_> = (0..burst)
        .map(|_| {
            let hasher = hasher.clone();
            tokio::spawn(async move { hasher.verify("guess", None).await })
        })
        .collect();
    let (mut judged, mut refused) = (0, 0);
    for job in jobs {
        match job.await.unwrap() {
            Ok(false) => judged += 1,
            Err(DomainError::RateLimited { retry_after_secs }) => {
                assert_eq!(retry_after_secs, 1);
                refused += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(judged >= cores, "judged {judged}");
    assert!(refused > 0, "nothing refused of {burst}");
    // Once the burst is over, hashing works again.
    assert!(!hasher.verify("guess", None).await.unwrap());
}
