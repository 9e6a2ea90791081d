//! Settings > Identity Providers: configuration, the write-only client secret, mapping rules
//! and what they hold on to.

use crate::harness::{TestCtx, db_test};
use domain::DomainError;
use domain::dto::{
    ConnectionTest, IdentityProviderInput, IdpPreset, NewRole, NewTeam, Provisioning,
    RoleMappingRule, SecuritySettings, TeamMappingRule, UserStatus,
};

pub fn okta(slug: &str) -> IdentityProviderInput {
    IdentityProviderInput {
        slug: slug.into(),
        preset: IdpPreset::Okta,
        display_name: "Okta".into(),
        issuer_url: "https://corp.okta.com/oauth2/default".into(),
        client_id: "0oa-client".into(),
        client_secret: Some("first-secret".into()),
        scopes: vec!["openid email profile groups".into()],
        groups_claim: Some("groups".into()),
        allowed_domains: vec!["example.com".into()],
        provisioning: Provisioning::JustInTime,
        enabled: true,
        role_mappings: vec![RoleMappingRule {
            group: "latchkey-admins".into(),
            role: "tenant-admin".into(),
        }],
        team_mappings: Vec::new(),
    }
}

fn field_of(result: Result<impl std::fmt::Debug, DomainError>) -> String {
    match result {
        Err(DomainError::Validation(e)) => e.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(
    providers_are_configured_with_a_write_only_secret,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let created = scope.create_identity_provider(okta("okta")).await.unwrap();
        assert!(created.has_client_secret);
        assert_eq!(
            created.redirect_url,
            "http://127.0.0.1:3000/auth/sso/okta/callback"
        );
        assert_eq!(created.role_mappings[0].role, "tenant-admin");
        // The secret is sealed, never stored or shown as given.
        let stored = format!("{:?}", scope.list_identity_providers().await.unwrap());
        assert!(!stored.contains("first-secret"));

        // An edit without a secret keeps the stored one; slugs stay unique.
        let mut edit = okta("okta");
        edit.client_secret = None;
        edit.display_name = "Okta (corp)".into();
        edit.enabled = false;
        let updated = scope
            .update_identity_provider(created.id, edit)
            .await
            .unwrap();
        assert!(updated.has_client_secret && !updated.enabled);
        scope
            .create_identity_provider(okta("okta-2"))
            .await
            .unwrap();
        assert_eq!(
            field_of(scope.create_identity_provider(okta("okta")).await),
            "slug"
        );
        // Only enabled providers are offered on the login page.
        let options = ctx.services.auth().sign_in_options().await.unwrap();
        let slugs: Vec<_> = options.providers.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(slugs, ["okta-2"]);
        assert!(options.password_sign_in);

        let mut unknown_role = okta("okta-3");
        unknown_role.role_mappings[0].role = "no-such-role".into();
        assert_eq!(
            field_of(scope.create_identity_provider(unknown_role).await),
            "role_mappings"
        );
        let mut unknown_team = okta("okta-3");
        unknown_team.team_mappings = vec![TeamMappingRule {
            group: "ml".into(),
            team: "no-such-team".into(),
        }];
        assert_eq!(
            field_of(scope.create_identity_provider(unknown_team).await),
            "team_mappings"
        );

        scope.delete_identity_provider(created.id).await.unwrap();
        assert!(matches!(
            scope.get_identity_provider(created.id).await,
            Err(DomainError::NotFound(_))
        ));
    }
);

db_test!(
    rules_hold_on_to_roles_and_follow_teams,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        scope
            .create_role(NewRole {
                resource_type: None,
                name: "deployer".into(),
                display_name: "Deployer".into(),
                description: "Deploys".into(),
                permissions: vec!["user:ListUsers".into()],
            })
            .await
            .unwrap();
        let team = scope
            .create_team(NewTeam {
                name: "ml-engineers".into(),
                description: "ML".into(),
                role_id: None,
            })
            .await
            .unwrap();
        let mut input = okta("keycloak");
        input.role_mappings = vec![RoleMappingRule {
            group: "deployers".into(),
            role: "deployer".into(),
        }];
        input.team_mappings = vec![TeamMappingRule {
            group: "ml".into(),
            team: "ml-engineers".into(),
        }];
        let provider = scope.create_identity_provider(input).await.unwrap();

        // A role a rule hands out is not deleted; the refusal says why.
        let deployer = ctx.role_id("deployer").await;
        match scope.delete_role(deployer).await {
            Err(DomainError::Conflict(message)) => {
                assert!(message.contains("identity provider"), "{message}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        // A deleted team takes its rules with it.
        scope.delete_team(team.team.id).await.unwrap();
        let after = scope.get_identity_provider(provider.id).await.unwrap();
        assert!(after.team_mappings.is_empty());
        assert_eq!(after.role_mappings.len(), 1);
    }
);

db_test!(
    only_an_admin_maps_a_group_to_admin,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        scope
            .create_role(NewRole {
                resource_type: None,
                name: "sso-admin".into(),
                display_name: "SSO admin".into(),
                description: "Looks after sign-in".into(),
                permissions: vec![
                    "identity-provider:ListIdentityProviders".into(),
                    "identity-provider:ManageIdentityProviders".into(),
                ],
            })
            .await
            .unwrap();
        let tenant = ctx.default_tenant().await;
        let sso_admin = ctx
            .add_user_with_role(
                tenant.id,
                "sso@example.com",
                "sso-admin",
                UserStatus::Active,
            )
            .await;
        let sso_actor = ctx.actor(sso_admin).await;
        let theirs = ctx.services.scope(&sso_actor);
        assert!(matches!(
            theirs.create_identity_provider(okta("okta")).await,
            Err(DomainError::Forbidden(_))
        ));
        let mut plain = okta("okta");
        plain.role_mappings.clear();
        theirs.create_identity_provider(plain).await.unwrap();
    }
);

db_test!(
    password_sign_in_can_be_turned_off_with_a_break_glass_for_admins,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let off = SecuritySettings {
            password_sign_in: false,
            ..SecuritySettings::default()
        };
        // Not without a provider to sign in with.
        assert_eq!(
            field_of(scope.update_security_settings(off).await),
            "password_sign_in"
        );
        let provider = scope.create_identity_provider(okta("okta")).await.unwrap();
        scope.update_security_settings(off).await.unwrap();
        let options = ctx.services.auth().sign_in_options().await.unwrap();
        assert!(!options.password_sign_in);
        assert_eq!(options.providers.len(), 1);

        // Members are refused (only once the password is right); Admins get in.
        let auth = ctx.services.auth();
        let password = crate::harness::ADMIN_PASSWORD;
        assert!(matches!(
            auth.sign_in_with_password("m@example.com", "wrong password", "10.0.0.1")
                .await,
            Err(DomainError::InvalidCredentials)
        ));
        match auth
            .sign_in_with_password("m@example.com", password, "10.0.0.1")
            .await
        {
            Err(DomainError::Forbidden(message)) => {
                assert!(message.contains("identity provider"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        auth.sign_in_with_password(crate::harness::ADMIN_EMAIL, password, "10.0.0.1")
            .await
            .unwrap();

        // The only enabled provider stays while password sign-in is off.
        let mut disable = okta("okta");
        disable.client_secret = None;
        disable.enabled = false;
        assert_eq!(
            field_of(
                scope
                    .update_identity_provider(provider.id, disable.clone())
                    .await
            ),
            "enabled"
        );
        assert_eq!(
            field_of(scope.delete_identity_provider(provider.id).await),
            "id"
        );
        scope
            .update_security_settings(SecuritySettings::default())
            .await
            .unwrap();
        scope
            .update_identity_provider(provider.id, disable)
            .await
            .unwrap();
        scope.delete_identity_provider(provider.id).await.unwrap();
    }
);

db_test!(
    test_connection_checks_the_address_and_reports_failure,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        assert_eq!(
            field_of(scope.test_identity_provider("ftp://idp.example.com").await),
            "issuer_url"
        );
        // This test's services have no protocol client; the report says so instead of failing.
        match scope
            .test_identity_provider("https://idp.example.com")
            .await
        {
            Ok(ConnectionTest::Failed { reason }) => {
                assert!(reason.contains("no OpenID Connect client"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }
);
