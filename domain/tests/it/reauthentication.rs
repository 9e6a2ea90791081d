//! Handing out a credential from a browser session needs a recent proof of identity: a
//! sign-in, or the password confirmed again, within `REAUTHENTICATE_AFTER`.

use crate::harness::{ADMIN_PASSWORD, TestCtx, db_test};
use crate::identity_providers::okta;
use chrono::{TimeDelta, Utc};
use domain::dto::{NewToken, SecuritySettings};
use domain::entities::user_identity;
use domain::ids::UserId;
use domain::{Actor, DomainError, REAUTHENTICATE_AFTER};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

fn token(name: &str) -> NewToken {
    NewToken {
        name: name.into(),
        expires_at: None,
    }
}

/// `user` in a session whose sign-in is a minute past the window.
async fn stale(ctx: &TestCtx, user: UserId) -> Actor {
    let at = Utc::now() - REAUTHENTICATE_AFTER - TimeDelta::minutes(1);
    ctx.session_actor(user, at).await
}

fn field_of<T: std::fmt::Debug>(result: Result<T, DomainError>) -> String {
    match result {
        Err(DomainError::Validation(e)) => e.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(
    a_stale_session_confirms_the_password_before_creating_a_token,
    |ctx: TestCtx| async move {
        let admin = ctx.with_admin().await;
        let old = stale(&ctx, admin).await;
        let scope = ctx.services.scope(&old);
        assert!(matches!(
            scope.create_own_token(token("late")).await,
            Err(DomainError::ReauthenticationRequired)
        ));
        // Reading is not asked for anything.
        scope.list_own_tokens(Default::default()).await.unwrap();

        // A minute inside the window, the same session may.
        let recent = Utc::now() - REAUTHENTICATE_AFTER + TimeDelta::minutes(1);
        let inside = ctx.session_actor(admin, recent).await;
        ctx.services
            .scope(&inside)
            .create_own_token(token("inside"))
            .await
            .unwrap();

        let options = scope.reauthentication_options().await.unwrap();
        assert!(options.password, "{options:?}");
        assert!(options.providers.is_empty(), "{options:?}");
        assert_eq!(
            field_of(scope.reauthenticate_with_password("").await),
            "password"
        );
        assert_eq!(
            field_of(scope.reauthenticate_with_password("not it").await),
            "password"
        );
        scope
            .reauthenticate_with_password(ADMIN_PASSWORD)
            .await
            .unwrap();
    }
);

db_test!(
    wrong_confirmations_are_throttled_like_sign_in,
    |ctx: TestCtx| async move {
        let admin = ctx.with_admin().await;
        let old = stale(&ctx, admin).await;
        let scope = ctx.services.scope(&old);
        for n in 0..5 {
            assert_eq!(
                field_of(
                    scope
                        .reauthenticate_with_password(&format!("guess {n}"))
                        .await
                ),
                "password"
            );
        }
        assert!(matches!(
            scope.reauthenticate_with_password(ADMIN_PASSWORD).await,
            Err(DomainError::RateLimited { .. })
        ));
        // The same count as sign-in: the account is locked there too.
        assert!(matches!(
            ctx.services
                .auth()
                .sign_in_with_password(crate::harness::ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.9")
                .await,
            Err(DomainError::RateLimited { .. })
        ));
        ctx.db
            .execute_unprepared("DELETE FROM login_throttles")
            .await
            .unwrap();
        scope
            .reauthenticate_with_password(ADMIN_PASSWORD)
            .await
            .unwrap();
    }
);

db_test!(
    single_sign_on_users_confirm_through_a_provider_they_linked,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let admin_id = ctx.admin_id().await;
        let scope = ctx.services.scope(&admin);
        let provider = scope.create_identity_provider(okta("okta")).await.unwrap();
        let mut other = okta("other");
        other.display_name = "Other".into();
        other.issuer_url = "https://other.example.com".into();
        scope.create_identity_provider(other).await.unwrap();
        let tenant = ctx.default_tenant().await;
        user_identity::ActiveModel {
            tenant_id: Set(tenant.id),
            user_id: Set(member.0),
            provider_id: Set(provider.id.0),
            issuer: Set("https://corp.okta.com/oauth2/default".into()),
            subject: Set("00u-member".into()),
            created_at: Set(Utc::now()),
            last_sign_in_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&ctx.db)
        .await
        .unwrap();

        // With password sign-in off, a Member confirms only through the provider they use.
        scope
            .update_security_settings(SecuritySettings {
                password_sign_in: false,
                ..SecuritySettings::default()
            })
            .await
            .unwrap();
        let old = stale(&ctx, member).await;
        let theirs = ctx.services.scope(&old);
        let options = theirs.reauthentication_options().await.unwrap();
        assert!(!options.password, "{options:?}");
        let slugs: Vec<&str> = options.providers.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["okta"]);
        assert!(matches!(
            theirs.reauthenticate_with_password(ADMIN_PASSWORD).await,
            Err(DomainError::Forbidden(_))
        ));
        // An Admin keeps the password (the break-glass way in).
        let old_admin = stale(&ctx, admin_id).await;
        let options = ctx
            .services
            .scope(&old_admin)
            .reauthentication_options()
            .await
            .unwrap();
        assert!(options.password);
        assert!(options.providers.is_empty());
    }
);
