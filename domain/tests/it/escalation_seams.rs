//! The seams between operations where a non-Admin once came to hold (or handed out) more than
//! they held: each test reproduces one, as an attacker with a custom role would try it, and
//! checks that the one granting rule now refuses it.

use crate::harness::{TestCtx, db_test};
use crate::resources::create;
use crate::sso_sign_in::{ISSUER, identity};
use domain::dto::{
    BulkUserChange, GracePeriod, IdentityProviderInput, IdpPreset, InviteRequest, LinkDelivery,
    NewCollaborator, NewRole, NewTeam, NewTeamMembers, NewVirtualAccount, Provisioning, SsoFailure,
    TeamChanges, TeamMappingRule, TeamMemberRole, UserChange, UserStatus,
};
use domain::entities::{role, user_identity};
use domain::ids::{TeamId, UserId};
use domain::permissions::{BuiltinRole, Permission};
use domain::resources::ResourceType;
use domain::{Actor, DomainError};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// A custom tenant role holding Member's permissions plus `extra`.
async fn custom_role(ctx: &TestCtx, admin: &Actor, name: &str, extra: &[Permission]) {
    let mut permissions: Vec<String> = BuiltinRole::Member
        .default_permissions()
        .iter()
        .chain(extra)
        .map(|p| p.key().to_string())
        .collect();
    permissions.sort();
    permissions.dedup();
    ctx.services
        .scope(admin)
        .create_role(NewRole {
            name: name.into(),
            display_name: name.into(),
            description: "delegated".into(),
            permissions,
            resource_type: None,
        })
        .await
        .unwrap();
}

/// A user holding `role`, as an actor.
async fn holder(ctx: &TestCtx, email: &str, role: &str) -> (UserId, Actor) {
    let tenant = ctx.default_tenant().await;
    let id = ctx
        .add_user_with_role(tenant.id, email, role, UserStatus::Active)
        .await;
    (id, ctx.actor(id).await)
}

/// A team made by `admin`, holding the tenant role named `role`.
pub(crate) async fn team(ctx: &TestCtx, admin: &Actor, name: &str, role: Option<&str>) -> TeamId {
    let role_id = match role {
        Some(name) => Some(ctx.role_id(name).await),
        None => None,
    };
    ctx.services
        .scope(admin)
        .create_team(NewTeam {
            name: name.into(),
            description: "team".into(),
            role_id,
        })
        .await
        .unwrap()
        .team
        .id
}

fn provider(team_rules: &[(&str, &str)]) -> IdentityProviderInput {
    IdentityProviderInput {
        slug: "corp".into(),
        preset: IdpPreset::Keycloak,
        display_name: "Corp".into(),
        issuer_url: ISSUER.into(),
        client_id: "latchkey".into(),
        client_secret: Some("client-secret-value".into()),
        scopes: vec!["openid email profile".into()],
        groups_claim: Some("groups".into()),
        allowed_domains: vec!["example.com".into()],
        provisioning: Provisioning::JustInTime,
        enabled: true,
        role_mappings: Vec::new(),
        team_mappings: team_rules
            .iter()
            .map(|(group, team)| TeamMappingRule {
                group: (*group).into(),
                team: (*team).into(),
            })
            .collect(),
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, DomainError>) -> String {
    match result {
        Err(DomainError::Forbidden(message)) => message,
        other => panic!("expected 403, got {other:?}"),
    }
}

db_test!(
    an_idp_team_rule_cannot_reach_a_team_beyond_its_author,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(
            &ctx,
            &admin,
            "idp-manager",
            &[
                Permission::ListIdentityProviders,
                Permission::ManageIdentityProviders,
            ],
        )
        .await;
        let (_, mallory) = holder(&ctx, "mallory@example.com", "idp-manager").await;
        team(&ctx, &admin, "admins", Some("tenant-admin")).await;
        let open = team(&ctx, &admin, "open", None).await;

        // At configuration time: a rule onto a team holding Admin is refused.
        let message = forbidden(
            ctx.services
                .scope(&mallory)
                .create_identity_provider(provider(&[("staff", "admins")]))
                .await,
        );
        assert!(message.starts_with("Members of admins"), "{message}");
        assert!(message.contains("Only an Admin can make someone an Admin."));

        // A rule onto a team with nothing beyond her is allowed...
        let created = ctx
            .services
            .scope(&mallory)
            .create_identity_provider(provider(&[("staff", "open")]))
            .await
            .unwrap();
        // ...and when the team later comes to hold more than its rule's author (an Admin gave
        // it a role), signing in no longer adds anyone to it.
        ctx.services
            .scope(&admin)
            .update_team(
                open,
                TeamChanges {
                    description: "now powerful".into(),
                    role_id: Some(ctx.role_id("tenant-admin").await),
                },
            )
            .await
            .unwrap();
        let signed_in = ctx
            .services
            .auth()
            .complete_sso(created.id, identity("eve", "eve@example.com", &["staff"]))
            .await
            .unwrap();
        let eve = ctx.actor(signed_in.user_id).await;
        assert!(!eve.user().unwrap().is_admin);
        assert!(
            ctx.services
                .scope(&admin)
                .get_user(signed_in.user_id)
                .await
                .unwrap()
                .team_memberships
                .is_empty()
        );

        // The same rule saved by an Admin applies.
        ctx.services
            .scope(&admin)
            .update_identity_provider(
                created.id,
                IdentityProviderInput {
                    client_secret: None,
                    ..provider(&[("staff", "open")])
                },
            )
            .await
            .unwrap();
        ctx.services
            .auth()
            .complete_sso(created.id, identity("eve", "eve@example.com", &["staff"]))
            .await
            .unwrap();
        assert!(ctx.actor(signed_in.user_id).await.user().unwrap().is_admin);
    }
);

db_test!(
    single_sign_on_links_by_email_only_to_an_untaken_invitation,
    |ctx: TestCtx| async move {
        let admin_id = ctx.with_admin().await;
        let admin = ctx.actor(admin_id).await;
        let idp = ctx
            .services
            .scope(&admin)
            .create_identity_provider(IdentityProviderInput {
                provisioning: Provisioning::InviteOnly,
                ..provider(&[])
            })
            .await
            .unwrap()
            .id;
        let auth = ctx.services.auth();

        // The Admin's address at an issuer the provider trusts: refused, not linked.
        let failure = auth
            .complete_sso(idp, identity("forged", crate::harness::ADMIN_EMAIL, &[]))
            .await;
        assert!(matches!(
            failure,
            Err(DomainError::SignInRefused(SsoFailure::AccountExists))
        ));
        assert_eq!(
            user_identity::Entity::find()
                .filter(user_identity::Column::UserId.eq(admin_id.0))
                .count(&ctx.db)
                .await
                .unwrap(),
            0
        );

        // An invitation nobody took up is linked at the first sign-in...
        ctx.services
            .scope(&admin)
            .invite_users(InviteRequest {
                emails: "newcomer@example.com".into(),
                role_id: ctx.role_id("tenant-member").await,
                send_password_email: false,
                teams: Vec::new(),
            })
            .await
            .unwrap();
        let first = auth
            .complete_sso(idp, identity("n-1", "newcomer@example.com", &[]))
            .await
            .unwrap();
        // ...and only once: another subject with the same address is refused.
        assert!(matches!(
            auth.complete_sso(idp, identity("n-2", "newcomer@example.com", &[]))
                .await,
            Err(DomainError::SignInRefused(SsoFailure::AccountExists))
        ));
        assert_eq!(
            auth.complete_sso(idp, identity("n-1", "newcomer@example.com", &[]))
                .await
                .unwrap(),
            first
        );

        // A user with a password (who may never have signed in) is not taken over either.
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "has-password@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
        assert!(matches!(
            auth.complete_sso(idp, identity("p", "has-password@example.com", &[]))
                .await,
            Err(DomainError::SignInRefused(SsoFailure::AccountExists))
        ));
    }
);

db_test!(
    changing_the_issuer_needs_the_secret_again_and_drops_links,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        let scope = ctx.services.scope(&admin);
        let idp = scope.create_identity_provider(provider(&[])).await.unwrap();
        ctx.services
            .auth()
            .complete_sso(idp.id, identity("s", "someone@example.com", &[]))
            .await
            .unwrap();
        let links = || async {
            user_identity::Entity::find()
                .filter(user_identity::Column::ProviderId.eq(idp.id.0))
                .count(&ctx.db)
                .await
                .unwrap()
        };
        assert_eq!(links().await, 1);
        let moved = IdentityProviderInput {
            issuer_url: "https://login.elsewhere.example".into(),
            client_secret: None,
            ..provider(&[])
        };
        match scope.update_identity_provider(idp.id, moved.clone()).await {
            Err(DomainError::Validation(v)) => assert_eq!(v.field, "client_secret"),
            other => panic!("expected the secret to be asked for, got {other:?}"),
        }
        assert_eq!(links().await, 1, "a refused change leaves the links");
        // Same issuer, no secret: kept, links kept.
        scope
            .update_identity_provider(
                idp.id,
                IdentityProviderInput {
                    client_secret: None,
                    display_name: "Renamed".into(),
                    ..provider(&[])
                },
            )
            .await
            .unwrap();
        assert_eq!(links().await, 1);
        scope
            .update_identity_provider(
                idp.id,
                IdentityProviderInput {
                    client_secret: Some("the-new-issuers-secret".into()),
                    ..moved
                },
            )
            .await
            .unwrap();
        assert_eq!(links().await, 0);
    }
);

db_test!(
    a_user_manager_cannot_act_on_someone_holding_more,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(
            &ctx,
            &admin,
            "user-manager",
            &[Permission::ListUsers, Permission::ManageUsers],
        )
        .await;
        let (_, manager) = holder(&ctx, "manager@example.com", "user-manager").await;
        // Admin through a team, and a member holding a grant the manager lacks.
        let (boss, _) = holder(&ctx, "boss@example.com", "tenant-member").await;
        let admins = team(&ctx, &admin, "admins", Some("tenant-admin")).await;
        ctx.services
            .scope(&admin)
            .add_team_members(
                admins,
                NewTeamMembers {
                    emails: "boss@example.com".into(),
                    role: TeamMemberRole::Member,
                },
            )
            .await
            .unwrap();
        let (owner, _) = holder(&ctx, "owner@example.com", "tenant-member").await;
        let cluster = create(
            &ctx.services.scope(&admin),
            ResourceType::Cluster,
            "prod",
            None,
        )
        .await;
        ctx.services
            .scope(&admin)
            .add_collaborator(NewCollaborator {
                resource_id: cluster,
                subject: "user:owner@example.com".into(),
                role_id: ctx.role_id("cluster-admin").await,
            })
            .await
            .unwrap();
        let (plain, _) = holder(&ctx, "plain@example.com", "tenant-member").await;
        let as_manager = ctx.services.scope(&manager);
        let member_role = ctx.role_id("tenant-member").await;

        for target in [boss, owner] {
            let who = format!("{target}");
            let m = forbidden(as_manager.reset_user_password(target).await);
            assert!(m.contains("Admin") || m.contains("You lack"), "{who}: {m}");
            forbidden(as_manager.deactivate_user(target).await);
            forbidden(as_manager.change_user_role(target, member_role).await);
            forbidden(
                as_manager
                    .revoke_user_tokens(domain::dto::UserKey::Id(target))
                    .await,
            );
            forbidden(as_manager.delete_user(target).await);
        }
        let m = forbidden(as_manager.reset_user_password(boss).await);
        assert_eq!(
            m,
            "Only an Admin can act on boss@example.com: they are an Admin."
        );
        let m = forbidden(as_manager.reset_user_password(owner).await);
        assert!(m.contains("on cluster prod"), "{m}");

        // Someone holding no more than the manager is theirs to act on. A reset also revokes
        // their personal access tokens.
        let plain_actor = ctx.actor(plain).await;
        let issued = ctx
            .services
            .scope(&plain_actor)
            .create_own_token(domain::dto::NewToken {
                name: "laptop".into(),
                expires_at: None,
            })
            .await
            .unwrap();
        assert!(matches!(
            as_manager.reset_user_password(plain).await.unwrap(),
            LinkDelivery::Shown(_)
        ));
        assert!(
            ctx.services
                .auth()
                .authenticate_token(&issued.value, "192.0.2.1")
                .await
                .unwrap()
                .is_none(),
            "the reset revoked the token"
        );
        as_manager.deactivate_user(plain).await.unwrap();
        as_manager
            .revoke_user_tokens(domain::dto::UserKey::Id(plain))
            .await
            .unwrap();
    }
);

db_test!(
    joining_or_managing_a_team_follows_the_granting_rule,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(
            &ctx,
            &admin,
            "team-runner",
            &[Permission::ReadTeam, Permission::ManageTeam],
        )
        .await;
        let (_, runner) = holder(&ctx, "runner@example.com", "team-runner").await;
        let scope = ctx.services.scope(&admin);
        let ops = team(&ctx, &admin, "ops", None).await;
        let cluster = create(&scope, ResourceType::Cluster, "prod", None).await;
        // The team owns a virtual account holding Cluster Admin; the Team Manager role may
        // reveal its accounts' tokens.
        let account = scope
            .create_virtual_account(NewVirtualAccount {
                name: "deployer".into(),
                owner_team_id: ops,
                expires_at: None,
                description: String::new(),
            })
            .await
            .unwrap()
            .detail
            .account
            .id;
        scope
            .add_collaborator(NewCollaborator {
                resource_id: cluster,
                subject: "virtualaccount:deployer".into(),
                role_id: ctx.role_id("cluster-admin").await,
            })
            .await
            .unwrap();
        let manager_role = role::Entity::find()
            .filter(role::Column::Name.eq(BuiltinRole::TeamManager.name()))
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        scope
            .update_role(
                domain::ids::RoleId(manager_role.id),
                domain::dto::RoleChanges {
                    display_name: manager_role.display_name.clone(),
                    description: manager_role.description.clone(),
                    permissions: vec![
                        Permission::ReadTeam.key().into(),
                        Permission::ReadVirtualAccount.key().into(),
                        Permission::ManageVirtualAccount.key().into(),
                    ],
                },
            )
            .await
            .unwrap();

        let as_runner = ctx.services.scope(&runner);
        // Joining as a member hands out nothing beyond the runner: allowed.
        as_runner
            .add_team_members(
                ops,
                NewTeamMembers {
                    emails: "runner@example.com".into(),
                    role: TeamMemberRole::Member,
                },
            )
            .await
            .unwrap();
        // Becoming a manager would hand out the account's token: refused, as a new manager
        // and as a promotion.
        let runner_id = ctx.user_id("runner@example.com").await;
        let m = forbidden(
            as_runner
                .set_team_member_role(ops, runner_id, TeamMemberRole::Manager)
                .await,
        );
        assert!(
            m.contains("cluster:") && m.contains("on cluster prod"),
            "{m}"
        );
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "pal@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
        forbidden(
            as_runner
                .add_team_members(
                    ops,
                    NewTeamMembers {
                        emails: "pal@example.com".into(),
                        role: TeamMemberRole::Manager,
                    },
                )
                .await,
        );
        // A manager made by the Admin still cannot reveal or regenerate what they lack.
        scope
            .set_team_member_role(ops, runner_id, TeamMemberRole::Manager)
            .await
            .unwrap();
        let runner = ctx.actor(runner_id).await;
        let as_runner = ctx.services.scope(&runner);
        let m = forbidden(as_runner.virtual_account_token(account).await);
        assert!(
            m.starts_with("The token of deployer carries its grants."),
            "{m}"
        );
        forbidden(
            as_runner
                .regenerate_virtual_account_token(account, GracePeriod::days(0))
                .await,
        );
        // Nor keep its grants working longer: a later expiry, or none, hands them out again.
        let soon = chrono::Utc::now() + chrono::Duration::days(1);
        let expiring = |expires_at| domain::dto::VirtualAccountChanges {
            owner_team_id: ops,
            expires_at,
            description: String::new(),
        };
        scope
            .update_virtual_account(account, expiring(Some(soon)))
            .await
            .unwrap();
        for later in [None, Some(soon + chrono::Duration::days(30))] {
            let m = forbidden(
                as_runner
                    .update_virtual_account(account, expiring(later))
                    .await,
            );
            assert!(
                m.starts_with("A later expiry keeps the grants of deployer working longer."),
                "{m}"
            );
        }
        // Sooner hands out nothing.
        as_runner
            .update_virtual_account(account, expiring(Some(soon - chrono::Duration::hours(1))))
            .await
            .unwrap();
        // The Admin may.
        scope.virtual_account_token(account).await.unwrap();

        // A team holding a grant beyond the runner takes no new members from them.
        let grants = team(&ctx, &admin, "grants", None).await;
        scope
            .add_collaborator(NewCollaborator {
                resource_id: cluster,
                subject: "team:grants".into(),
                role_id: ctx.role_id("cluster-viewer").await,
            })
            .await
            .unwrap();
        let m = forbidden(
            as_runner
                .add_team_members(
                    grants,
                    NewTeamMembers {
                        emails: "pal@example.com".into(),
                        role: TeamMemberRole::Member,
                    },
                )
                .await,
        );
        assert!(m.contains("on cluster prod"), "{m}");
    }
);

db_test!(
    an_idp_role_rule_cannot_re_role_someone_holding_more_than_its_author,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(
            &ctx,
            &admin,
            "idp-manager",
            &[
                Permission::ListIdentityProviders,
                Permission::ManageIdentityProviders,
            ],
        )
        .await;
        let (_, mallory) = holder(&ctx, "mallory@example.com", "idp-manager").await;
        // The Admin's rule makes the admin group Admins.
        let idp = ctx
            .services
            .scope(&admin)
            .create_identity_provider(IdentityProviderInput {
                role_mappings: vec![domain::dto::RoleMappingRule {
                    group: "admins".into(),
                    role: "tenant-admin".into(),
                }],
                ..provider(&[])
            })
            .await
            .unwrap()
            .id;
        let boss = ctx
            .services
            .auth()
            .complete_sso(idp, identity("boss", "boss@example.com", &["admins"]))
            .await
            .unwrap()
            .user_id;
        assert!(ctx.actor(boss).await.user().unwrap().is_admin);
        // Mallory rewrites the rules (staff -> Member, which she may give) and becomes their
        // author: her rule cannot demote an Admin she could not have demoted by hand.
        ctx.services
            .scope(&mallory)
            .update_identity_provider(
                idp,
                IdentityProviderInput {
                    client_secret: None,
                    role_mappings: vec![domain::dto::RoleMappingRule {
                        group: "staff".into(),
                        role: "tenant-member".into(),
                    }],
                    ..provider(&[])
                },
            )
            .await
            .unwrap();
        ctx.services
            .auth()
            .complete_sso(idp, identity("boss", "boss@example.com", &["staff"]))
            .await
            .unwrap();
        assert!(ctx.actor(boss).await.user().unwrap().is_admin);
        // A newcomer still gets the rule's role.
        let newcomer = ctx
            .services
            .auth()
            .complete_sso(idp, identity("new", "new@example.com", &["staff"]))
            .await
            .unwrap()
            .user_id;
        assert_eq!(
            ctx.actor(newcomer).await.user().unwrap().role_name,
            "tenant-member"
        );
    }
);

db_test!(
    a_bulk_change_hands_out_nothing_a_single_change_would_not,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(
            &ctx,
            &admin,
            "people-ops",
            &[
                Permission::ManageUsers,
                Permission::ManageTeam,
                Permission::ReadTeam,
            ],
        )
        .await;
        let (_, mallory) = holder(&ctx, "mallory@example.com", "people-ops").await;
        let (bob, _) = holder(&ctx, "bob@example.com", "tenant-member").await;
        let admins = team(&ctx, &admin, "admins", Some("tenant-admin")).await;
        let scope = ctx.services.scope(&mallory);

        // Herself and a friend made Admin in one go: refused as it is one at a time.
        let mallory_id = ctx.user_id("mallory@example.com").await;
        forbidden(
            scope
                .change_users(BulkUserChange {
                    users: vec![bob, mallory_id],
                    change: UserChange::Role(ctx.role_id("tenant-admin").await),
                })
                .await,
        );
        // Both into a team that holds Admin: refused by the granting rule, naming the team.
        let message = forbidden(
            scope
                .change_users(BulkUserChange {
                    users: vec![bob, mallory_id],
                    change: UserChange::JoinTeam(admins),
                })
                .await,
        );
        assert!(message.starts_with("Members of admins"), "{message}");
        let admin_scope = ctx.services.scope(&admin);
        assert!(
            admin_scope
                .get_team(admins)
                .await
                .unwrap()
                .members
                .is_empty()
        );
        for id in [bob, mallory_id] {
            assert_ne!(
                admin_scope.get_user(id).await.unwrap().user.role_name,
                "tenant-admin"
            );
        }
    }
);

db_test!(
    an_invitation_joins_only_teams_its_author_may_add_to,
    |ctx: TestCtx| async move {
        let admin = ctx.actor(ctx.with_admin().await).await;
        custom_role(&ctx, &admin, "inviter", &[Permission::ManageUsers]).await;
        let (_, mallory) = holder(&ctx, "mallory@example.com", "inviter").await;
        let admins = team(&ctx, &admin, "admins", Some("tenant-admin")).await;
        let before = ctx.user_count().await;
        forbidden(
            ctx.services
                .scope(&mallory)
                .invite_users(InviteRequest {
                    emails: "sock-puppet@example.com".into(),
                    role_id: ctx.role_id("tenant-member").await,
                    send_password_email: false,
                    teams: vec![admins],
                })
                .await,
        );
        // Nobody was created, and the team is as it was.
        assert_eq!(ctx.user_count().await, before);
        assert!(
            ctx.services
                .scope(&admin)
                .get_team(admins)
                .await
                .unwrap()
                .members
                .is_empty()
        );
    }
);
