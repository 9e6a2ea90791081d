//! Signing in through an identity provider, after the transport verified the ID token:
//! just-in-time users, invite-only providers, role and team rules, and refusals.

use crate::harness::{TestCtx, db_test};
use domain::dto::DiscoverySummary;
use domain::dto::{
    IdentityProviderInput, IdpPreset, NewTeam, NewTeamMembers, Provisioning, RoleManagedBy,
    RoleMappingRule, SsoFailure, TeamMappingRule, TeamMemberRole, UserStatus,
};
use domain::ids::IdentityProviderId;
use domain::permissions::BuiltinRole;
use domain::{
    Actor, AuthorizationRequest, DomainError, OidcClient, OidcError, ProviderConnection,
    ServicesConfig, SsoCallback, VerifiedIdentity,
};

pub(crate) const ISSUER: &str = "http://127.0.0.1:4455";

fn provider(slug: &str, provisioning: Provisioning) -> IdentityProviderInput {
    IdentityProviderInput {
        slug: slug.into(),
        preset: IdpPreset::Keycloak,
        display_name: "Keycloak".into(),
        issuer_url: ISSUER.into(),
        client_id: "latchkey".into(),
        client_secret: Some("client-secret-value".into()),
        scopes: vec!["openid email profile".into()],
        groups_claim: Some("groups".into()),
        allowed_domains: vec!["example.com".into()],
        provisioning,
        enabled: true,
        role_mappings: vec![RoleMappingRule {
            group: "latchkey-admins".into(),
            role: "tenant-admin".into(),
        }],
        team_mappings: vec![TeamMappingRule {
            group: "ml".into(),
            team: "ml-engineers".into(),
        }],
    }
}

pub(crate) fn identity(subject: &str, email: &str, groups: &[&str]) -> VerifiedIdentity {
    VerifiedIdentity {
        issuer: ISSUER.into(),
        subject: subject.into(),
        email: Some(email.into()),
        email_verified: true,
        name: Some(format!("User {subject}")),
        groups: Some(groups.iter().map(|g| g.to_string()).collect()),
        hosted_domain: None,
    }
}

/// The first Admin, a team `ml-engineers`, and a just-in-time provider.
async fn setup(ctx: &TestCtx, provisioning: Provisioning) -> (Actor, IdentityProviderId) {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let scope = ctx.services.scope(&admin);
    scope
        .create_team(NewTeam {
            name: "ml-engineers".into(),
            description: "ML".into(),
            role_id: None,
        })
        .await
        .unwrap();
    let created = scope
        .create_identity_provider(provider("keycloak", provisioning))
        .await
        .unwrap();
    (admin, created.id)
}

async fn row(ctx: &TestCtx, admin: &Actor, email: &str) -> domain::dto::UserDetail {
    let id = ctx.user_id(email).await;
    ctx.services.scope(admin).get_user(id).await.unwrap()
}

fn refusal<T: std::fmt::Debug>(result: Result<T, DomainError>) -> SsoFailure {
    match result {
        Err(DomainError::SignInRefused(failure)) => failure,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

db_test!(
    new_users_arrive_just_in_time_with_mapped_roles,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::JustInTime).await;
        let auth = ctx.services.auth();

        let ann = auth
            .complete_sso(idp, identity("ann", "Ann@Example.com", &["staff"]))
            .await
            .unwrap();
        let detail = row(&ctx, &admin, "ann@example.com").await;
        assert_eq!(detail.user.id, ann.user_id);
        assert_eq!(detail.user.role_name, BuiltinRole::Member.name());
        assert_eq!(detail.role_managed_by, RoleManagedBy::Group);
        assert!(detail.user.last_login_at.is_some());

        auth.complete_sso(
            idp,
            identity("bob", "bob@example.com", &["latchkey-admins"]),
        )
        .await
        .unwrap();
        let bob = row(&ctx, &admin, "bob@example.com").await;
        assert_eq!(bob.user.role_name, BuiltinRole::Admin.name());

        // The same subject is the same user, even under a new email.
        let again = auth
            .complete_sso(idp, identity("ann", "ann.smith@example.com", &["staff"]))
            .await
            .unwrap();
        assert_eq!(again.user_id, ann.user_id);

        // Leaving the admin group demotes a group-managed Admin (another Admin remains).
        auth.complete_sso(idp, identity("bob", "bob@example.com", &["staff"]))
            .await
            .unwrap();
        let bob = row(&ctx, &admin, "bob@example.com").await;
        assert_eq!(bob.user.role_name, BuiltinRole::Member.name());
    }
);

db_test!(
    a_role_set_by_hand_is_never_undone_by_sso,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::JustInTime).await;
        let auth = ctx.services.auth();
        auth.complete_sso(
            idp,
            identity("cat", "cat@example.com", &["latchkey-admins"]),
        )
        .await
        .unwrap();
        let cat = ctx.user_id("cat@example.com").await;
        let member_role = ctx.role_id(BuiltinRole::Member.name()).await;
        ctx.services
            .scope(&admin)
            .change_user_role(cat, member_role)
            .await
            .unwrap();
        auth.complete_sso(
            idp,
            identity("cat", "cat@example.com", &["latchkey-admins"]),
        )
        .await
        .unwrap();
        let detail = row(&ctx, &admin, "cat@example.com").await;
        assert_eq!(detail.user.role_name, BuiltinRole::Member.name());
        assert_eq!(detail.role_managed_by, RoleManagedBy::Manual);
    }
);

db_test!(
    invite_only_providers_admit_invited_users_only,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::InviteOnly).await;
        let auth = ctx.services.auth();
        assert_eq!(
            refusal(
                auth.complete_sso(idp, identity("eve", "eve@example.com", &[]))
                    .await
            ),
            SsoFailure::NotInvited
        );
        assert!(matches!(
            ctx.services
                .scope(&admin)
                .get_user(domain::ids::UserId(0))
                .await,
            Err(DomainError::NotFound(_))
        ));

        // An invited user is linked by their verified email.
        let dan = ctx
            .services
            .scope(&admin)
            .invite_users(domain::dto::InviteRequest {
                emails: "dan@example.com".into(),
                role_id: ctx.role_id("tenant-member").await,
                send_password_email: false,
                teams: Vec::new(),
            })
            .await
            .unwrap()
            .invited[0]
            .id;
        let signed_in = auth
            .complete_sso(idp, identity("dan-sub", "dan@example.com", &[]))
            .await
            .unwrap();
        assert_eq!(signed_in.user_id, dan);
    }
);

db_test!(
    an_invited_users_role_follows_the_mapping_until_set_by_hand,
    |ctx: TestCtx| async move {
        // Seed 002: invitations are `initial`, so group mapping applies at the first and later
        // sign-ins; a change by hand (`manual`) is never undone.
        let (admin, idp) = setup(&ctx, Provisioning::InviteOnly).await;
        let scope = ctx.services.scope(&admin);
        let auth = ctx.services.auth();
        let invite = |email: &str| domain::dto::InviteRequest {
            emails: email.into(),
            role_id: domain::ids::RoleId(0),
            send_password_email: false,
            teams: Vec::new(),
        };
        let member_role = ctx.role_id("tenant-member").await;
        for email in ["fay@example.com", "gus@example.com"] {
            scope
                .invite_users(domain::dto::InviteRequest {
                    role_id: member_role,
                    ..invite(email)
                })
                .await
                .unwrap();
            assert_eq!(
                row(&ctx, &admin, email).await.role_managed_by,
                RoleManagedBy::Initial
            );
        }
        auth.complete_sso(
            idp,
            identity("fay", "fay@example.com", &["latchkey-admins"]),
        )
        .await
        .unwrap();
        let fay = row(&ctx, &admin, "fay@example.com").await;
        assert_eq!(fay.user.role_name, BuiltinRole::Admin.name());
        assert_eq!(fay.role_managed_by, RoleManagedBy::Group);

        // Set by hand before the first sign-in: the mapping leaves it alone.
        let gus = ctx.user_id("gus@example.com").await;
        scope.change_user_role(gus, member_role).await.unwrap();
        auth.complete_sso(
            idp,
            identity("gus", "gus@example.com", &["latchkey-admins"]),
        )
        .await
        .unwrap();
        let gus = row(&ctx, &admin, "gus@example.com").await;
        assert_eq!(gus.user.role_name, BuiltinRole::Member.name());
        assert_eq!(gus.role_managed_by, RoleManagedBy::Manual);
    }
);

db_test!(
    unverified_foreign_and_deactivated_identities_are_refused,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::JustInTime).await;
        let auth = ctx.services.auth();
        let mut unverified = identity("uma", "uma@example.com", &[]);
        unverified.email_verified = false;
        assert_eq!(
            refusal(auth.complete_sso(idp, unverified).await),
            SsoFailure::EmailNotVerified
        );
        let mut no_email = identity("uma", "uma@example.com", &[]);
        no_email.email = None;
        assert_eq!(
            refusal(auth.complete_sso(idp, no_email).await),
            SsoFailure::EmailNotVerified
        );
        assert_eq!(
            refusal(
                auth.complete_sso(idp, identity("mal", "mal@elsewhere.org", &[]))
                    .await
            ),
            SsoFailure::DomainNotAllowed
        );

        auth.complete_sso(idp, identity("dee", "dee@example.com", &[]))
            .await
            .unwrap();
        let dee = ctx.user_id("dee@example.com").await;
        ctx.services
            .scope(&admin)
            .deactivate_user(dee)
            .await
            .unwrap();
        assert_eq!(
            refusal(
                auth.complete_sso(idp, identity("dee", "dee@example.com", &[]))
                    .await
            ),
            SsoFailure::Deactivated
        );
        // Nobody was created for the refused identities.
        assert_eq!(ctx.user_count().await, 2);
    }
);

db_test!(
    team_rules_add_and_remove_only_what_they_made,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::JustInTime).await;
        let auth = ctx.services.auth();
        let teams_of = |email: &'static str| {
            let ctx = &ctx;
            let admin = &admin;
            async move { row(ctx, admin, email).await.user.teams }
        };
        auth.complete_sso(idp, identity("fay", "fay@example.com", &["ml"]))
            .await
            .unwrap();
        assert_eq!(teams_of("fay@example.com").await, ["ml-engineers"]);
        auth.complete_sso(idp, identity("fay", "fay@example.com", &[]))
            .await
            .unwrap();
        assert!(teams_of("fay@example.com").await.is_empty());

        // A membership added by hand survives a sign-in without the group.
        let scope = ctx.services.scope(&admin);
        auth.complete_sso(idp, identity("gus", "gus@example.com", &[]))
            .await
            .unwrap();
        let ml = scope.list_teams(Default::default()).await.unwrap().items[0].id;
        scope
            .add_team_members(
                ml,
                NewTeamMembers {
                    emails: "gus@example.com".into(),
                    role: TeamMemberRole::Member,
                },
            )
            .await
            .unwrap();
        auth.complete_sso(idp, identity("gus", "gus@example.com", &[]))
            .await
            .unwrap();
        assert_eq!(teams_of("gus@example.com").await, ["ml-engineers"]);
    }
);

db_test!(google_maps_by_hosted_domain, |ctx: TestCtx| async move {
    let admin = ctx.actor(ctx.with_admin().await).await;
    let mut google = provider("google", Provisioning::JustInTime);
    google.preset = IdpPreset::Google;
    google.issuer_url = "https://accounts.google.com".into();
    google.groups_claim = None;
    google.allowed_domains = Vec::new();
    google.role_mappings = vec![RoleMappingRule {
        group: "corp.example.com".into(),
        role: BuiltinRole::TeamManager.name().into(),
    }];
    google.team_mappings = Vec::new();
    // Google vouches for every Google account: it is enabled only with allowed domains.
    match ctx
        .services
        .scope(&admin)
        .create_identity_provider(google.clone())
        .await
    {
        Err(DomainError::Validation(e)) => assert_eq!(e.field, "allowed_domains"),
        other => panic!("expected the domains to be asked for, got {other:?}"),
    }
    google.allowed_domains = vec!["corp.example.com".into()];
    let idp = ctx
        .services
        .scope(&admin)
        .create_identity_provider(google)
        .await
        .unwrap()
        .id;
    let mut hal = identity("hal", "hal@corp.example.com", &[]);
    hal.issuer = "https://accounts.google.com".into();
    hal.groups = None;
    hal.hosted_domain = Some("corp.example.com".into());
    ctx.services.auth().complete_sso(idp, hal).await.unwrap();
    let detail = row(&ctx, &admin, "hal@corp.example.com").await;
    assert_eq!(detail.user.role_name, BuiltinRole::TeamManager.name());

    // The protocol side gets the secret in clear, and only enabled providers.
    let connection = ctx.services.auth().sso_provider("google").await.unwrap();
    assert_eq!(connection.client_secret, "client-secret-value");
    assert!(!format!("{connection:?}").contains("client-secret-value"));
    assert!(matches!(
        ctx.services.auth().sso_provider("nope").await,
        Err(DomainError::NotFound(_))
    ));
});

/// A protocol stand-in: hands out a fixed state and nonce, and answers `redeem` with the
/// identity (or failure) the test put in.
#[derive(Debug, Default)]
struct FakeProtocol {
    answer: std::sync::Mutex<Option<Result<VerifiedIdentity, OidcError>>>,
}

#[async_trait::async_trait]
impl OidcClient for FakeProtocol {
    async fn discover(&self, issuer_url: &str) -> Result<DiscoverySummary, OidcError> {
        Err(OidcError::Unreachable(format!("nothing at {issuer_url}")))
    }

    async fn authorization_request(
        &self,
        provider: &ProviderConnection,
    ) -> Result<AuthorizationRequest, OidcError> {
        Ok(AuthorizationRequest {
            url: format!(
                "{}/authorize?client_id={}",
                provider.issuer_url, provider.client_id
            ),
            state: "state-1".into(),
            nonce: "nonce-1".into(),
            pkce_verifier: "verifier-1".into(),
        })
    }

    async fn redeem(
        &self,
        _provider: &ProviderConnection,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        assert_eq!(
            (code, pkce_verifier, nonce),
            ("code-1", "verifier-1", "nonce-1")
        );
        self.answer
            .lock()
            .unwrap()
            .clone()
            .expect("the test set an answer")
    }
}

db_test!(
    a_sign_in_round_trip_checks_its_transaction,
    |ctx: TestCtx| async move {
        let (admin, _) = setup(&ctx, Provisioning::JustInTime).await;
        let protocol = std::sync::Arc::new(FakeProtocol::default());
        let services = ctx
            .services_with(ServicesConfig {
                oidc: Some(protocol.clone()),
                sso_transaction_lifetime: chrono::Duration::minutes(10),
                ..ServicesConfig::default()
            })
            .await;
        let auth = services.auth();
        assert_eq!(
            refusal(auth.begin_sso("nope", None).await),
            SsoFailure::UnknownProvider
        );
        let (url, pending) = auth
            .begin_sso("keycloak", Some("/access/teams".into()))
            .await
            .unwrap();
        assert!(url.starts_with(ISSUER), "{url}");
        assert_eq!(pending.next.as_deref(), Some("/access/teams"));
        let answer = |state: Option<&str>, code: Option<&str>, error: Option<&str>| SsoCallback {
            state: state.map(str::to_string),
            code: code.map(str::to_string),
            error: error.map(str::to_string),
            iss: None,
        };
        let ok = || answer(Some("state-1"), Some("code-1"), None);

        // Each broken callback is refused, for its own reason, before any token is redeemed.
        assert_eq!(
            refusal(auth.finish_sso("keycloak", None, ok()).await),
            SsoFailure::NoTransaction
        );
        assert_eq!(
            refusal(auth.finish_sso("other", Some(pending.clone()), ok()).await),
            SsoFailure::NoTransaction
        );
        for (callback, expected) in [
            (
                answer(None, Some("code-1"), None),
                SsoFailure::StateMismatch,
            ),
            (
                answer(Some("state-2"), Some("code-1"), None),
                SsoFailure::StateMismatch,
            ),
            (
                answer(Some("state-1"), None, Some("access_denied")),
                SsoFailure::Cancelled,
            ),
            (
                answer(Some("state-1"), None, None),
                SsoFailure::ProviderError,
            ),
        ] {
            let refused = auth
                .finish_sso("keycloak", Some(pending.clone()), callback)
                .await;
            assert_eq!(refusal(refused), expected);
        }
        let mut stale = pending.clone();
        stale.started_at -= 11 * 60;
        assert_eq!(
            refusal(auth.finish_sso("keycloak", Some(stale), ok()).await),
            SsoFailure::Expired
        );
        for (failure, expected) in [
            (
                OidcError::Rejected("nonce mismatch".into()),
                SsoFailure::TokenRejected,
            ),
            (
                OidcError::Unreachable("token endpoint: timed out".into()),
                SsoFailure::ProviderUnreachable,
            ),
        ] {
            *protocol.answer.lock().unwrap() = Some(Err(failure));
            let refused = auth
                .finish_sso("keycloak", Some(pending.clone()), ok())
                .await;
            assert_eq!(refusal(refused), expected);
        }
        let mut mixed_up = ok();
        mixed_up.iss = Some("https://evil.example.com".into());
        assert_eq!(
            refusal(
                auth.finish_sso("keycloak", Some(pending.clone()), mixed_up)
                    .await
            ),
            SsoFailure::TokenRejected
        );
        assert_eq!(ctx.user_count().await, 1, "nobody was created by a refusal");

        // The good answer signs a new user in and keeps where they were going.
        *protocol.answer.lock().unwrap() = Some(Ok(identity("ivy", "ivy@example.com", &["ml"])));
        let signed_in = auth
            .finish_sso("keycloak", Some(pending), ok())
            .await
            .unwrap();
        assert_eq!(signed_in.next.as_deref(), Some("/access/teams"));
        let ivy = row(&ctx, &admin, "ivy@example.com").await;
        assert_eq!(ivy.user.id, signed_in.user_id);
        assert_eq!(ivy.user.teams, ["ml-engineers"]);

        // Without a protocol client, single sign-on is a fault, not a refusal.
        assert!(matches!(
            ctx.services.auth().begin_sso("keycloak", None).await,
            Err(DomainError::Internal(_))
        ));
    }
);

db_test!(
    a_signed_in_user_links_a_provider_from_their_profile,
    |ctx: TestCtx| async move {
        let (admin, idp) = setup(&ctx, Provisioning::InviteOnly).await;
        let protocol = std::sync::Arc::new(FakeProtocol::default());
        let services = ctx
            .services_with(ServicesConfig {
                oidc: Some(protocol.clone()),
                sso_transaction_lifetime: chrono::Duration::minutes(10),
                ..ServicesConfig::default()
            })
            .await;
        let admin_id = admin.user().unwrap().user_id;
        let ok = SsoCallback {
            state: Some("state-1".into()),
            code: Some("code-1".into()),
            error: None,
            iss: None,
        };
        // The Admin signed in with a password before: their address is not linked by email...
        *protocol.answer.lock().unwrap() = Some(Ok(identity(
            "admin-at-idp",
            crate::harness::ADMIN_EMAIL,
            &[],
        )));
        let (_, pending) = services.auth().begin_sso("keycloak", None).await.unwrap();
        assert_eq!(
            refusal(
                services
                    .auth()
                    .finish_sso("keycloak", Some(pending), ok.clone())
                    .await
            ),
            SsoFailure::AccountExists
        );
        // ...but linked when they start it from their Profile, signed in.
        let scope = services.scope(&admin);
        assert!(scope.own_identities().await.unwrap().linked.is_empty());
        assert_eq!(scope.own_identities().await.unwrap().available.len(), 1);
        let (_, pending) = scope.begin_identity_link("keycloak").await.unwrap();
        assert_eq!(pending.link_for, Some(admin_id.0));
        let linked = services
            .auth()
            .finish_sso("keycloak", Some(pending), ok.clone())
            .await
            .unwrap();
        assert!(linked.linked);
        assert_eq!(linked.user_id, admin_id);
        let mine = scope.own_identities().await.unwrap();
        assert_eq!(mine.linked.len(), 1);
        assert_eq!(mine.linked[0].provider_slug, "keycloak");
        // From now on the identity signs the Admin in.
        let (_, pending) = services.auth().begin_sso("keycloak", None).await.unwrap();
        assert_eq!(
            services
                .auth()
                .finish_sso("keycloak", Some(pending), ok.clone())
                .await
                .unwrap()
                .user_id,
            admin_id
        );
        // Someone else cannot link the same identity to themselves.
        let tenant = ctx.default_tenant().await;
        let other = ctx
            .add_user(
                tenant.id,
                "other@example.com",
                BuiltinRole::Member,
                UserStatus::Active,
            )
            .await;
        let other = ctx.actor(other).await;
        let (_, pending) = services
            .scope(&other)
            .begin_identity_link("keycloak")
            .await
            .unwrap();
        assert_eq!(
            refusal(
                services
                    .auth()
                    .finish_sso("keycloak", Some(pending), ok)
                    .await
            ),
            SsoFailure::IdentityTaken
        );
        let _ = idp;
    }
);
