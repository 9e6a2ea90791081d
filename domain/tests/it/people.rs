use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestCtx, db_test};
use domain::DomainError;
use domain::dto::{
    InviteRequest, LinkDelivery, PasswordLink, PasswordLinkStatus, RoleManagedBy, UserStatus,
};
use domain::entities::{password_token, session, user};
use domain::ids::RoleId;
use domain::permissions::BuiltinRole;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

/// The link handed back when mail is not configured (as in these tests).
pub fn shown(delivery: &LinkDelivery) -> PasswordLink {
    match delivery {
        LinkDelivery::Shown(link) => link.clone(),
        LinkDelivery::Emailed { .. } => panic!("expected the link to be shown, not mailed"),
    }
}

pub fn token_of(url: &str) -> String {
    url.split("token=")
        .nth(1)
        .expect("token in link")
        .to_string()
}

db_test!(
    invitations_create_users_and_links,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let member_role = ctx.role_id("tenant-member").await;
        let scope = ctx.services.scope(&admin);
        let outcome = scope
            .invite_users(InviteRequest {
                emails: format!(
                    "Alice@Example.com, bob@example.com\n{ADMIN_EMAIL}; alice@example.com"
                ),
                role_id: member_role,
                send_password_email: true,
                teams: Vec::new(),
            })
            .await
            .unwrap();
        let invited: Vec<_> = outcome.invited.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(invited, ["alice@example.com", "bob@example.com"]);
        assert_eq!(outcome.already_exist, [ADMIN_EMAIL]);
        let link = shown(outcome.invited[0].set_password_link.as_ref().expect("link"));
        assert!(
            link.url
                .starts_with("http://127.0.0.1:3000/set-password?token="),
            "{}",
            link.url
        );
        let stored = password_token::Entity::find().all(&ctx.db).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert!(
            stored.iter().all(|t| !link.url.contains(&t.token_hash)),
            "only hashes are stored"
        );

        let alice = user::Entity::find()
            .filter(user::Column::Email.eq("alice@example.com"))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(alice.password_hash, None);
        assert_eq!(alice.role_managed_by, RoleManagedBy::Initial.as_str());

        // Without the box checked: no link (they will use SSO).
        let sso = scope
            .invite_users(InviteRequest {
                emails: "carol@example.com".into(),
                role_id: member_role,
                send_password_email: false,
                teams: Vec::new(),
            })
            .await
            .unwrap();
        assert_eq!(sso.invited[0].set_password_link, None);
        // An SSO-only user cannot sign in with a password.
        assert!(matches!(
            ctx.services
                .auth()
                .sign_in_with_password("carol@example.com", "whatever-it-is", "10.0.0.1")
                .await,
            Err(DomainError::InvalidCredentials)
        ));
    }
);

db_test!(bad_invitations_write_nothing, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let member_role = ctx.role_id("tenant-member").await;
    let scope = ctx.services.scope(&admin);
    let before = ctx.user_count().await;
    match scope
        .invite_users(InviteRequest {
            emails: "ok@example.com, not-an-email".into(),
            role_id: member_role,
            send_password_email: true,
            teams: Vec::new(),
        })
        .await
    {
        Err(DomainError::Validation(err)) => {
            assert_eq!(err.field, "emails");
            assert!(err.message.contains("not-an-email"), "{err}");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(matches!(
        scope
            .invite_users(InviteRequest {
                emails: "ok@example.com".into(),
                role_id: RoleId(987_654),
                send_password_email: true,
                teams: Vec::new(),
            })
            .await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(ctx.user_count().await, before);
});

db_test!(set_password_link_works_once, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let member_role = ctx.role_id("tenant-member").await;
    let outcome = ctx
        .services
        .scope(&admin)
        .invite_users(InviteRequest {
            emails: "dana@example.com".into(),
            role_id: member_role,
            send_password_email: true,
            teams: Vec::new(),
        })
        .await
        .unwrap();
    let token = token_of(&shown(outcome.invited[0].set_password_link.as_ref().unwrap()).url);
    let auth = ctx.services.auth();
    assert_eq!(
        auth.password_link_status(&token).await.unwrap(),
        PasswordLinkStatus::Open {
            email: "dana@example.com".into()
        }
    );
    match auth
        .set_password_with_link(&token, "a-new-password", "another-password")
        .await
    {
        Err(DomainError::Validation(err)) => assert_eq!(err.field, "password_confirm"),
        other => panic!("expected mismatch, got {other:?}"),
    }
    assert!(matches!(
        auth.set_password_with_link(&token, "short", "short").await,
        Err(DomainError::Validation(_))
    ));
    let signed_in = auth
        .set_password_with_link(&token, "a-new-password", "a-new-password")
        .await
        .unwrap();
    assert_eq!(signed_in.user_id, outcome.invited[0].id);
    auth.sign_in_with_password("dana@example.com", "a-new-password", "10.0.0.1")
        .await
        .unwrap();

    assert_eq!(
        auth.password_link_status(&token).await.unwrap(),
        PasswordLinkStatus::Invalid
    );
    match auth
        .set_password_with_link(&token, "third-password", "third-password")
        .await
    {
        Err(DomainError::Validation(err)) => assert_eq!(err.field, "token"),
        other => panic!("expected a dead link, got {other:?}"),
    }
    assert_eq!(
        auth.password_link_status("forged").await.unwrap(),
        PasswordLinkStatus::Invalid
    );
});

db_test!(expired_links_do_not_work, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let link = shown(
        &ctx.services
            .scope(&admin)
            .reset_user_password(member)
            .await
            .unwrap(),
    );
    let row = password_token::Entity::find()
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: password_token::ActiveModel = row.into();
    active.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    active.update(&ctx.db).await.unwrap();
    assert_eq!(
        ctx.services
            .auth()
            .password_link_status(&token_of(&link.url))
            .await
            .unwrap(),
        PasswordLinkStatus::Invalid
    );
});

db_test!(
    reset_replaces_links_and_ends_sessions,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        ctx.add_session(member).await;
        let scope = ctx.services.scope(&admin);
        let first = shown(&scope.reset_user_password(member).await.unwrap());
        assert_eq!(session::Entity::find().count(&ctx.db).await.unwrap(), 0);
        let second = shown(&scope.reset_user_password(member).await.unwrap());
        let auth = ctx.services.auth();
        assert_eq!(
            auth.password_link_status(&token_of(&first.url))
                .await
                .unwrap(),
            PasswordLinkStatus::Invalid
        );
        assert!(matches!(
            auth.password_link_status(&token_of(&second.url))
                .await
                .unwrap(),
            PasswordLinkStatus::Open { .. }
        ));
        // The old password works until the link is used.
        auth.sign_in_with_password("m@example.com", ADMIN_PASSWORD, "10.0.0.1")
            .await
            .unwrap();
    }
);

db_test!(deleting_users, |ctx: TestCtx| async move {
    let admin_id = ctx.with_admin().await;
    let admin = ctx.actor(admin_id).await;
    let tenant = ctx.default_tenant().await;
    let member = ctx
        .add_user(
            tenant.id,
            "m@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
    let scope = ctx.services.scope(&admin);
    assert!(matches!(
        scope.delete_user(admin_id).await,
        Err(DomainError::Conflict(_))
    ));
    let outsider = ctx.outsider_admin().await;
    assert!(matches!(
        ctx.services.scope(&outsider).delete_user(member).await,
        Err(DomainError::NotFound(_))
    ));
    scope.delete_user(member).await.unwrap();
    assert!(matches!(
        scope.get_user(member).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(matches!(
        scope.delete_user(member).await,
        Err(DomainError::NotFound(_))
    ));
});

db_test!(own_profile_and_password, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let scope = ctx.services.scope(&admin);
    assert_eq!(
        scope
            .update_own_display_name("  Ada L.  ")
            .await
            .unwrap()
            .display_name,
        "Ada L."
    );
    assert!(matches!(
        scope.update_own_display_name(" ").await,
        Err(DomainError::Validation(_))
    ));
    match scope
        .change_own_password("wrong current", "brand-new-password", "brand-new-password")
        .await
    {
        Err(DomainError::Validation(err)) => assert_eq!(err.field, "current_password"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    match scope
        .change_own_password(ADMIN_PASSWORD, "brand-new-password", "brand-new-passwordX")
        .await
    {
        Err(DomainError::Validation(err)) => assert_eq!(err.field, "password_confirm"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    scope
        .change_own_password(ADMIN_PASSWORD, "brand-new-password", "brand-new-password")
        .await
        .unwrap();
    let auth = ctx.services.auth();
    auth.sign_in_with_password(ADMIN_EMAIL, "brand-new-password", "10.0.0.1")
        .await
        .unwrap();
    assert!(matches!(
        auth.sign_in_with_password(ADMIN_EMAIL, ADMIN_PASSWORD, "10.0.0.1")
            .await,
        Err(DomainError::InvalidCredentials)
    ));
});

db_test!(
    changing_your_password_ends_your_sessions_and_guesses_are_throttled,
    |ctx: TestCtx| async move {
        let admin_id = ctx.with_admin().await;
        ctx.add_session(admin_id).await;
        ctx.add_session(admin_id).await;
        let admin = ctx.actor(admin_id).await;
        let scope = ctx.services.scope(&admin);
        // Guessing the current password counts like guessing at sign-in: five wrong guesses
        // lock the account, and then even the right one is refused for a while.
        for n in 0..5 {
            assert!(matches!(
                scope
                    .change_own_password(
                        &format!("guess {n}"),
                        "brand-new-password",
                        "brand-new-password"
                    )
                    .await,
                Err(DomainError::Validation(_))
            ));
        }
        assert!(matches!(
            scope
                .change_own_password(ADMIN_PASSWORD, "brand-new-password", "brand-new-password")
                .await,
            Err(DomainError::RateLimited { .. })
        ));
        assert_eq!(
            session::Entity::find().count(&ctx.db).await.unwrap(),
            2,
            "nothing changed while locked"
        );
        ctx.db
            .execute_unprepared("DELETE FROM login_throttles")
            .await
            .unwrap();
        scope
            .change_own_password(ADMIN_PASSWORD, "brand-new-password", "brand-new-password")
            .await
            .unwrap();
        assert_eq!(
            session::Entity::find().count(&ctx.db).await.unwrap(),
            0,
            "every session of the user ended"
        );
    }
);
