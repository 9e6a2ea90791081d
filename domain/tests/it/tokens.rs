//! Personal access tokens: format, storage, verification, limits and revocation.

use crate::harness::{TestCtx, db_test};
use chrono::{Duration, Utc};
use domain::dto::{NewToken, SecuritySettings, TokenQuery, TokenStatus, UserKey};
use domain::entities::token;
use domain::ids::TokenId;
use domain::permissions::{BuiltinRole, Permission};
use domain::{Actor, AuthMethod, DomainError};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

fn named(name: &str) -> NewToken {
    NewToken {
        name: name.into(),
        expires_at: None,
    }
}

async fn authenticate(ctx: &TestCtx, value: &str) -> Option<Actor> {
    ctx.services
        .auth()
        .authenticate_token(value, "192.0.2.7")
        .await
        .unwrap()
}

async fn row(ctx: &TestCtx, id: TokenId) -> token::Model {
    token::Entity::find_by_id(id.0)
        .one(&ctx.db)
        .await
        .unwrap()
        .unwrap()
}

db_test!(
    a_token_is_shown_once_and_stored_as_a_keyed_hash,
    |ctx: TestCtx| async move {
        let (_, member_id) = ctx.admin_and_member().await;
        let member = ctx.actor(member_id).await;
        let scope = ctx.services.scope(&member);
        let issued = scope.create_own_token(named("ci-deploy")).await.unwrap();
        assert!(issued.value.starts_with("lk_pat_"), "{}", issued.value);
        assert_eq!(issued.value.len(), "lk_pat_".len() + 38);
        assert_eq!(issued.token.status, TokenStatus::Active);

        let stored = row(&ctx, issued.token.id).await;
        assert_eq!(stored.token_hash.len(), 64, "HMAC-SHA-256, hex");
        assert!(!stored.token_hash.contains(&issued.value));
        assert_eq!(
            stored.sealed_token, None,
            "a personal token is not kept in any readable form"
        );
        assert_eq!(stored.user_id, Some(member_id.0));

        let listed = scope.list_own_tokens(TokenQuery::default()).await.unwrap();
        assert_eq!((listed.page.total, listed.active), (1, 1));
        assert_eq!(listed.page.items[0].name, "ci-deploy");
        assert_eq!(listed.page.items[0].last_used_at, None);

        // The token acts as its owner, and says how it authenticated.
        let Some(Actor::User(acting)) = authenticate(&ctx, &issued.value).await else {
            panic!("the token opens the API");
        };
        assert_eq!(acting.user_id, member_id);
        assert_eq!(
            acting.auth,
            AuthMethod::PersonalAccessToken(issued.token.id)
        );
        let used = scope
            .list_own_tokens(TokenQuery::default())
            .await
            .unwrap()
            .page
            .items[0]
            .clone();
        assert!(used.last_used_at.is_some());
        assert_eq!(used.last_used_ip.as_deref(), Some("192.0.2.7"));
    }
);

db_test!(
    last_use_is_written_at_most_once_a_minute,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let issued = ctx
            .services
            .scope(&admin)
            .create_own_token(named("busy-script"))
            .await
            .unwrap();
        authenticate(&ctx, &issued.value).await.unwrap();
        let first = row(&ctx, issued.token.id).await.last_used_at.unwrap();
        authenticate(&ctx, &issued.value).await.unwrap();
        assert_eq!(row(&ctx, issued.token.id).await.last_used_at, Some(first));
        // A minute later the next call is noted again.
        token::Entity::update_many()
            .col_expr(
                token::Column::LastUsedAt,
                Expr::value(first - Duration::seconds(61)),
            )
            .filter(token::Column::Id.eq(issued.token.id.0))
            .exec(&ctx.db)
            .await
            .unwrap();
        authenticate(&ctx, &issued.value).await.unwrap();
        assert!(row(&ctx, issued.token.id).await.last_used_at.unwrap() >= first);
    }
);

db_test!(
    a_mistyped_token_is_refused_without_reading_the_database,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let issued = ctx
            .services
            .scope(&admin)
            .create_own_token(named("typo-check"))
            .await
            .unwrap();
        let mut typo: Vec<char> = issued.value.chars().collect();
        typo[10] = if typo[10] == 'x' { 'y' } else { 'x' };
        let typo: String = typo.into_iter().collect();
        // With the tokens table gone, any lookup would fail: the checksum answers first.
        ctx.db
            .execute_unprepared("DROP TABLE tokens")
            .await
            .unwrap();
        for bad in [typo.as_str(), "", "lk_pat_short", "not a token", "lk_va_"] {
            assert_eq!(authenticate(&ctx, bad).await, None, "{bad}");
        }
        assert!(
            ctx.services
                .auth()
                .authenticate_token(&issued.value, "192.0.2.7")
                .await
                .is_err(),
            "a well-formed token does reach the database"
        );
    }
);

db_test!(
    revoked_expired_and_deactivated_tokens_open_nothing,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let member = ctx.actor(member_id).await;
        let scope = ctx.services.scope(&member);
        let revoked = scope.create_own_token(named("revoked")).await.unwrap();
        let expired = scope.create_own_token(named("expired")).await.unwrap();
        let kept = scope.create_own_token(named("kept")).await.unwrap();

        let answer = scope.revoke_own_token(revoked.token.id).await.unwrap();
        assert_eq!(answer.status, TokenStatus::Revoked);
        assert_eq!(authenticate(&ctx, &revoked.value).await, None);
        // Revoking twice is harmless.
        scope.revoke_own_token(revoked.token.id).await.unwrap();

        token::Entity::update_many()
            .col_expr(
                token::Column::ExpiresAt,
                Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .filter(token::Column::Id.eq(expired.token.id.0))
            .exec(&ctx.db)
            .await
            .unwrap();
        assert_eq!(authenticate(&ctx, &expired.value).await, None);
        let statuses: Vec<(String, TokenStatus)> = scope
            .list_own_tokens(TokenQuery::default())
            .await
            .unwrap()
            .page
            .items
            .into_iter()
            .map(|t| (t.name, t.status))
            .collect();
        assert!(statuses.contains(&("expired".into(), TokenStatus::Expired)));
        assert!(statuses.contains(&("revoked".into(), TokenStatus::Revoked)));
        assert!(statuses.contains(&("kept".into(), TokenStatus::Active)));

        // Deactivation disables the owner's tokens at once; activation brings them back.
        let admin_scope = ctx.services.scope(&admin);
        admin_scope.deactivate_user(member_id).await.unwrap();
        assert_eq!(authenticate(&ctx, &kept.value).await, None);
        admin_scope.activate_user(member_id).await.unwrap();
        assert!(authenticate(&ctx, &kept.value).await.is_some());

        // Deleting the owner deletes the tokens.
        admin_scope.delete_user(member_id).await.unwrap();
        assert_eq!(authenticate(&ctx, &kept.value).await, None);
        let left = token::Entity::find()
            .filter(token::Column::UserId.eq(member_id.0))
            .all(&ctx.db)
            .await
            .unwrap();
        assert!(left.is_empty());
    }
);

db_test!(
    a_token_carries_its_owners_permissions_of_the_moment,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let admin_scope = ctx.services.scope(&admin);
        let admin_role = ctx.role_id(BuiltinRole::Admin.name()).await;
        admin_scope
            .change_user_role(member_id, admin_role)
            .await
            .unwrap();
        let member = ctx.actor(member_id).await;
        let issued = ctx
            .services
            .scope(&member)
            .create_own_token(named("promoted"))
            .await
            .unwrap();
        let acting = authenticate(&ctx, &issued.value).await.unwrap();
        assert!(acting.user().unwrap().is_admin);
        // Demoted: the same token now carries Member's permissions only.
        admin_scope
            .change_user_role(member_id, ctx.role_id(BuiltinRole::Member.name()).await)
            .await
            .unwrap();
        let acting = authenticate(&ctx, &issued.value).await.unwrap();
        let user = acting.user().unwrap();
        assert!(!user.is_admin);
        assert!(!user.permissions.contains(&Permission::ManageUsers));
        let refused = ctx
            .services
            .scope(&acting)
            .deactivate_user(ctx.admin_id().await)
            .await;
        assert!(
            matches!(refused, Err(DomainError::Forbidden(_))),
            "{refused:?}"
        );
    }
);

db_test!(
    another_tenants_token_reaches_nothing_here,
    |ctx: TestCtx| async move {
        let (_, member_id) = ctx.admin_and_member().await;
        let outsider = ctx.outsider_admin().await;
        let issued = ctx
            .services
            .scope(&outsider)
            .create_own_token(named("elsewhere"))
            .await
            .unwrap();
        let acting = authenticate(&ctx, &issued.value).await.unwrap();
        let scope = ctx.services.scope(&acting);
        assert!(matches!(
            scope.get_user(member_id).await,
            Err(DomainError::NotFound(_))
        ));
        assert!(matches!(
            scope.revoke_user_tokens(UserKey::Id(member_id)).await,
            Err(DomainError::NotFound(_))
        ));
        // Nor can anyone revoke someone else's token by id.
        let member = ctx.actor(member_id).await;
        assert!(matches!(
            ctx.services
                .scope(&member)
                .revoke_own_token(issued.token.id)
                .await,
            Err(DomainError::NotFound(_))
        ));
        assert!(authenticate(&ctx, &issued.value).await.is_some());
    }
);

db_test!(
    names_are_checked_and_unique_among_live_tokens,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        for bad in ["ab", "1st-token", "Upper", "with space", &"x".repeat(37)] {
            match scope.create_own_token(named(bad)).await {
                Err(DomainError::Validation(error)) => assert_eq!(error.field, "name", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let first = scope.create_own_token(named("deploy")).await.unwrap();
        match scope.create_own_token(named("deploy")).await {
            Err(DomainError::Conflict(message)) => {
                assert!(
                    message.contains("already have a token named deploy"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
        // Another user may use the same name; a revoked token frees it.
        let member = ctx.actor(member_id).await;
        ctx.services
            .scope(&member)
            .create_own_token(named("deploy"))
            .await
            .unwrap();
        scope.revoke_own_token(first.token.id).await.unwrap();
        scope.create_own_token(named("deploy")).await.unwrap();
        let past = NewToken {
            name: "too-late".into(),
            expires_at: Some(Utc::now() - Duration::hours(1)),
        };
        match scope.create_own_token(past).await {
            Err(DomainError::Validation(error)) => assert_eq!(error.field, "expires_at"),
            other => panic!("{other:?}"),
        }
    }
);

db_test!(
    security_settings_cap_age_and_count,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let admin_scope = ctx.services.scope(&admin);
        assert_eq!(
            admin_scope.security_settings().await.unwrap(),
            SecuritySettings::default()
        );
        for (bad, field) in [
            (
                SecuritySettings {
                    pat_max_age_days: Some(0),
                    pat_max_active: None,
                    password_sign_in: true,
                },
                "pat_max_age_days",
            ),
            (
                SecuritySettings {
                    pat_max_age_days: Some(3651),
                    pat_max_active: None,
                    password_sign_in: true,
                },
                "pat_max_age_days",
            ),
            (
                SecuritySettings {
                    pat_max_age_days: None,
                    pat_max_active: Some(0),
                    password_sign_in: true,
                },
                "pat_max_active",
            ),
        ] {
            match admin_scope.update_security_settings(bad).await {
                Err(DomainError::Validation(error)) => assert_eq!(error.field, field),
                other => panic!("{other:?}"),
            }
        }
        let limits = SecuritySettings {
            pat_max_age_days: Some(30),
            pat_max_active: Some(2),
            password_sign_in: true,
        };
        admin_scope.update_security_settings(limits).await.unwrap();
        let member = ctx.actor(member_id).await;
        let scope = ctx.services.scope(&member);
        assert_eq!(scope.security_settings().await.unwrap(), limits);

        let within = |name: &str, days: i64| NewToken {
            name: name.into(),
            expires_at: Some(Utc::now() + Duration::days(days)),
        };
        match scope.create_own_token(named("forever")).await {
            Err(DomainError::Validation(error)) => {
                assert_eq!(error.field, "expires_at");
                assert!(
                    error.message.contains("at most 30 days"),
                    "{}",
                    error.message
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            scope.create_own_token(within("too-long", 31)).await,
            Err(DomainError::Validation(_))
        ));
        let first = scope.create_own_token(within("first", 30)).await.unwrap();
        scope.create_own_token(within("second", 1)).await.unwrap();
        match scope.create_own_token(within("third", 1)).await {
            Err(DomainError::Conflict(message)) => {
                assert!(message.contains("most allowed here (2)"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        // Revoking one makes room.
        scope.revoke_own_token(first.token.id).await.unwrap();
        scope.create_own_token(within("third", 1)).await.unwrap();
        // The command line obeys the same limits.
        let refused = ctx
            .services
            .system_scope()
            .create_token_for("m@example.com", within("fourth", 1))
            .await;
        assert!(
            matches!(refused, Err(DomainError::Conflict(_))),
            "{refused:?}"
        );
    }
);

db_test!(
    user_managers_revoke_all_of_a_users_tokens,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let member = ctx.actor(member_id).await;
        let scope = ctx.services.scope(&member);
        let a = scope.create_own_token(named("one")).await.unwrap();
        let b = scope.create_own_token(named("two")).await.unwrap();
        scope.revoke_own_token(b.token.id).await.unwrap();
        let admins = ctx
            .services
            .scope(&admin)
            .create_own_token(named("admins-own"))
            .await
            .unwrap();
        let revoked = ctx
            .services
            .scope(&admin)
            .revoke_user_tokens(UserKey::Id(member_id))
            .await
            .unwrap();
        assert_eq!(revoked, 1, "only the token not revoked yet counts");
        assert_eq!(authenticate(&ctx, &a.value).await, None);
        assert!(authenticate(&ctx, &admins.value).await.is_some());
        assert!(matches!(
            ctx.services
                .scope(&admin)
                .revoke_user_tokens(UserKey::Email("nobody@example.com".into()))
                .await,
            Err(DomainError::NotFound(_))
        ));
    }
);

db_test!(
    the_command_line_issues_and_revokes_tokens,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let system = ctx.services.system_scope();
        let issued = system
            .create_token_for(" M@Example.com ", named("bootstrap"))
            .await
            .unwrap();
        let acting = authenticate(&ctx, &issued.value).await.unwrap();
        assert_eq!(acting.user().unwrap().user_id, member_id);
        assert_eq!(system.revoke_tokens_of("m@example.com").await.unwrap(), 1);
        assert_eq!(authenticate(&ctx, &issued.value).await, None);
        assert!(matches!(
            system
                .create_token_for("nobody@example.com", named("nope-x"))
                .await,
            Err(DomainError::NotFound(_))
        ));
        ctx.services
            .scope(&admin)
            .deactivate_user(member_id)
            .await
            .unwrap();
        assert!(matches!(
            system
                .create_token_for("m@example.com", named("nope-x"))
                .await,
            Err(DomainError::Conflict(_))
        ));
    }
);

db_test!(
    a_lower_maximum_age_applies_to_the_tokens_that_exist,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let member = ctx.actor(member_id).await;
        let scope = ctx.services.scope(&member);
        let forever = scope.create_own_token(named("forever")).await.unwrap();
        let old = scope.create_own_token(named("old")).await.unwrap();
        let soon = scope
            .create_own_token(NewToken {
                name: "soon".into(),
                expires_at: Some(Utc::now() + Duration::days(5)),
            })
            .await
            .unwrap();
        let revoked = scope.create_own_token(named("revoked")).await.unwrap();
        scope.revoke_own_token(revoked.token.id).await.unwrap();
        // "old" was made 40 days ago.
        token::Entity::update_many()
            .col_expr(
                token::Column::CreatedAt,
                Expr::value(Utc::now() - Duration::days(40)),
            )
            .filter(token::Column::Id.eq(old.token.id.0))
            .exec(&ctx.db)
            .await
            .unwrap();

        let admin_scope = ctx.services.scope(&admin);
        let limit = SecuritySettings {
            pat_max_age_days: Some(30),
            ..SecuritySettings::default()
        };
        // Said before saving, and nothing changes by asking.
        let impact = admin_scope.security_settings_impact(limit).await.unwrap();
        assert_eq!((impact.tokens_ended, impact.tokens_shortened), (1, 1));
        assert!(authenticate(&ctx, &old.value).await.is_some());
        assert!(matches!(
            scope.security_settings_impact(limit).await,
            Err(DomainError::Forbidden(_))
        ));

        admin_scope.update_security_settings(limit).await.unwrap();
        assert!(
            authenticate(&ctx, &old.value).await.is_none(),
            "older than the limit: ended"
        );
        assert!(authenticate(&ctx, &forever.value).await.is_some());
        let forever_row = row(&ctx, forever.token.id).await;
        assert_eq!(
            forever_row.expires_at,
            Some(forever_row.created_at + Duration::days(30)),
            "a token without expiry now expires at the limit"
        );
        assert_eq!(
            row(&ctx, soon.token.id).await.expires_at,
            soon.token.expires_at,
            "a token within the limit keeps its expiry"
        );
        let listed = scope.list_own_tokens(TokenQuery::default()).await.unwrap();
        let status = |name: &str| {
            listed
                .page
                .items
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.status)
        };
        assert_eq!(status("old"), Some(TokenStatus::Expired));
        assert_eq!(status("revoked"), Some(TokenStatus::Revoked));
        // Saving again changes nothing more.
        let again = admin_scope.security_settings_impact(limit).await.unwrap();
        assert!(again.is_empty(), "{again:?}");
    }
);

db_test!(
    a_token_for_another_user_acts_as_them_and_follows_the_acting_on_rule,
    |ctx: TestCtx| async move {
        let (admin, member_id) = ctx.admin_and_member().await;
        let tenant = ctx.default_tenant().await;
        let scope = ctx.services.scope(&admin);

        let (owner, issued) = scope
            .create_user_token(UserKey::Email("M@example.com".into()), named("ci-build"))
            .await
            .unwrap();
        assert_eq!(owner.id, member_id);
        assert_eq!(owner.email, "m@example.com");
        let acting = authenticate(&ctx, &issued.value)
            .await
            .expect("a valid token");
        assert_eq!(acting.user().map(|u| u.user_id), Some(member_id));
        // It is the member's token: it lists among theirs, not the Admin's.
        let theirs = ctx
            .services
            .scope(&ctx.actor(member_id).await)
            .list_own_tokens(TokenQuery::default())
            .await
            .unwrap();
        assert_eq!(theirs.page.total, 1);
        assert_eq!(
            scope
                .list_own_tokens(TokenQuery::default())
                .await
                .unwrap()
                .page
                .total,
            0
        );

        // A user manager who is not an Admin mints nothing, not even for a Member: the token
        // would carry whatever its owner comes to hold.
        let manager = ctx
            .add_user(
                tenant.id,
                "um@example.com",
                BuiltinRole::Member,
                domain::dto::UserStatus::Active,
            )
            .await;
        let custom = scope
            .create_role(domain::dto::NewRole {
                resource_type: None,
                name: "user-manager".into(),
                display_name: "User manager".into(),
                description: "Manages users".into(),
                permissions: ["user:ListUsers", "user:ManageUsers"]
                    .map(String::from)
                    .to_vec(),
            })
            .await
            .unwrap();
        scope.change_user_role(manager, custom.id).await.unwrap();
        let as_manager_actor = ctx.actor(manager).await;
        let as_manager = ctx.services.scope(&as_manager_actor);
        for target in ["admin@example.com", "m@example.com"] {
            assert!(matches!(
                as_manager
                    .create_user_token(UserKey::Email(target.into()), named("sneaky"))
                    .await,
                Err(DomainError::Forbidden(message)) if message.starts_with("Only an Admin")
            ));
        }
        // A plain Member mints nothing for anyone.
        let as_member_actor = ctx.actor(member_id).await;
        let as_member = ctx.services.scope(&as_member_actor);
        assert!(matches!(
            as_member
                .create_user_token(UserKey::Id(manager), named("nope-x"))
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // A deactivated user gets no token: it would not work.
        scope.deactivate_user(UserKey::Id(member_id)).await.unwrap();
        match scope
            .create_user_token(UserKey::Id(member_id), named("later"))
            .await
        {
            Err(DomainError::Validation(err)) => assert_eq!(err.field, "email"),
            other => panic!("expected a validation error, got {other:?}"),
        }
        // Someone else's address in another tenant is not found.
        assert!(matches!(
            scope
                .create_user_token(
                    UserKey::Email("nobody@example.com".into()),
                    named("x-token")
                )
                .await,
            Err(DomainError::NotFound(_))
        ));
    }
);
