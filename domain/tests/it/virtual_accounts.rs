//! Virtual accounts: tokens, grants, regeneration with a grace period, and team managers
//! acting on their own team's accounts.

use crate::harness::{TestCtx, db_test};
use chrono::{Duration, Utc};
use domain::dto::{
    AccessQuestion, GracePeriod, NewCollaborator, NewResource, NewTeam, NewTeamMembers,
    NewVirtualAccount, RoleChanges, TeamMemberRole, TokenStatus, VirtualAccountChanges,
    VirtualAccountQuery,
};
use domain::entities::{token, virtual_account};
use domain::ids::{ResourceId, TeamId};
use domain::permissions::BuiltinRole;
use domain::resources::ResourceType;
use domain::{Actor, DomainError};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn authenticate(ctx: &TestCtx, value: &str) -> Option<Actor> {
    ctx.services
        .auth()
        .authenticate_token(value, "192.0.2.9")
        .await
        .unwrap()
}

async fn team(ctx: &TestCtx, admin: &Actor, name: &str) -> TeamId {
    ctx.services
        .scope(admin)
        .create_team(NewTeam {
            name: name.into(),
            description: "owns automation".into(),
            role_id: None,
        })
        .await
        .unwrap()
        .team
        .id
}

fn account(name: &str, team: TeamId) -> NewVirtualAccount {
    NewVirtualAccount {
        name: name.into(),
        owner_team_id: team,
        expires_at: None,
        description: String::new(),
    }
}

async fn cluster_and_workspace(ctx: &TestCtx, admin: &Actor) -> (ResourceId, ResourceId) {
    let scope = ctx.services.scope(admin);
    let cluster = scope
        .create_resource(NewResource {
            resource_type: ResourceType::Cluster,
            name: "prod".into(),
            parent_id: None,
        })
        .await
        .unwrap()
        .resource
        .id;
    let workspace = scope
        .create_resource(NewResource {
            resource_type: ResourceType::Workspace,
            name: "serving".into(),
            parent_id: Some(cluster),
        })
        .await
        .unwrap()
        .resource
        .id;
    (cluster, workspace)
}

db_test!(
    an_account_acts_only_through_its_grants,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let platform = team(&ctx, &admin, "platform").await;
        let scope = ctx.services.scope(&admin);
        let created = scope
            .create_virtual_account(account("ci-bot", platform))
            .await
            .unwrap();
        assert!(created.token.starts_with("lk_va_"));
        assert_eq!(created.detail.account.owner_team.name, "platform");
        assert_eq!(created.detail.tokens.len(), 1);
        assert!(created.detail.tokens[0].current);
        let id = created.detail.account.id;
        assert_eq!(
            scope.virtual_account_token(id).await.unwrap(),
            created.token
        );

        let (cluster, workspace) = cluster_and_workspace(&ctx, &admin).await;
        scope
            .add_collaborator(NewCollaborator {
                resource_id: workspace,
                subject: "virtualaccount:ci-bot".into(),
                role_id: ctx.role_id("workspace-viewer").await,
            })
            .await
            .unwrap();
        let detail = scope.get_resource(workspace).await.unwrap();
        assert!(
            detail
                .collaborators
                .items
                .iter()
                .any(|c| c.subject == "virtualaccount:ci-bot")
        );
        let answer = scope
            .check_access(AccessQuestion {
                subject: "virtualaccount:ci-bot".into(),
                permission: "workspace:ReadWorkspace".into(),
                resource_id: workspace,
            })
            .await
            .unwrap();
        assert!(answer.allowed, "{answer:?}");

        let Some(acting @ Actor::VirtualAccount(_)) = authenticate(&ctx, &created.token).await
        else {
            panic!("the account's token opens the API");
        };
        let bot = ctx.services.scope(&acting);
        let listed = bot.list_resources(None).await.unwrap();
        assert_eq!(
            listed.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["serving"]
        );
        bot.get_resource(workspace).await.unwrap();
        assert!(matches!(
            bot.get_resource(cluster).await,
            Err(DomainError::Forbidden(_))
        ));
        match bot.list_users(Default::default()).await {
            Err(DomainError::Forbidden(message)) => {
                assert!(
                    message.contains("only act on the resources granted to it"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            bot.remove_collaborator(workspace, detail.collaborators.items[0].id)
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // The grant to the account shows on its page.
        let page = scope.get_virtual_account(id).await.unwrap();
        assert_eq!(page.grants.len(), 1);
        assert_eq!(page.grants[0].resource.name, "serving");
        assert_eq!(page.tokens[0].last_used_ip.as_deref(), Some("192.0.2.9"));

        // Deleting the account takes its grants and tokens with it.
        scope.delete_virtual_account(id).await.unwrap();
        assert_eq!(authenticate(&ctx, &created.token).await, None);
        let detail = scope.get_resource(workspace).await.unwrap();
        assert!(
            detail
                .collaborators
                .items
                .iter()
                .all(|c| !c.subject.starts_with("virtualaccount:"))
        );
    }
);

db_test!(
    a_regenerated_token_leaves_the_old_one_a_grace_period,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let platform = team(&ctx, &admin, "platform").await;
        let scope = ctx.services.scope(&admin);
        let created = scope
            .create_virtual_account(account("deployer", platform))
            .await
            .unwrap();
        let id = created.detail.account.id;
        let old = created.token;

        let regenerated = scope
            .regenerate_virtual_account_token(id, GracePeriod::days(2))
            .await
            .unwrap();
        let until = regenerated.previous_valid_until.expect("a grace period");
        assert!(until > Utc::now() + Duration::days(2) - Duration::minutes(1));
        assert_ne!(regenerated.token, old);
        // Both work during the grace period; "show token" reveals the new one.
        assert!(authenticate(&ctx, &old).await.is_some());
        assert!(authenticate(&ctx, &regenerated.token).await.is_some());
        assert_eq!(
            scope.virtual_account_token(id).await.unwrap(),
            regenerated.token
        );
        let page = scope.get_virtual_account(id).await.unwrap();
        assert_eq!(page.tokens.len(), 2);
        assert!(page.tokens[0].current && !page.tokens[1].current);
        assert_eq!(page.tokens[1].expires_at, Some(until));

        // When the grace period is over the old token is refused.
        token::Entity::update_many()
            .col_expr(
                token::Column::ExpiresAt,
                Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .filter(token::Column::Id.eq(page.tokens[1].id.0))
            .exec(&ctx.db)
            .await
            .unwrap();
        assert_eq!(authenticate(&ctx, &old).await, None);
        assert!(authenticate(&ctx, &regenerated.token).await.is_some());

        // No grace period: the replaced token stops at once.
        let third = scope
            .regenerate_virtual_account_token(id, GracePeriod::days(0))
            .await
            .unwrap();
        assert_eq!(third.previous_valid_until, None);
        assert_eq!(authenticate(&ctx, &regenerated.token).await, None);
        assert!(authenticate(&ctx, &third.token).await.is_some());
        let page = scope.get_virtual_account(id).await.unwrap();
        assert_eq!(page.tokens[1].status, TokenStatus::Revoked);

        match scope
            .regenerate_virtual_account_token(id, GracePeriod::days(31))
            .await
        {
            Err(DomainError::Validation(error)) => assert_eq!(error.field, "grace_period_days"),
            other => panic!("{other:?}"),
        }
    }
);

db_test!(
    an_expired_account_opens_nothing,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let platform = team(&ctx, &admin, "platform").await;
        let scope = ctx.services.scope(&admin);
        let created = scope
            .create_virtual_account(NewVirtualAccount {
                expires_at: Some(Utc::now() + Duration::days(30)),
                ..account("short-lived", platform)
            })
            .await
            .unwrap();
        assert!(authenticate(&ctx, &created.token).await.is_some());
        virtual_account::Entity::update_many()
            .col_expr(
                virtual_account::Column::ExpiresAt,
                Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .exec(&ctx.db)
            .await
            .unwrap();
        assert_eq!(authenticate(&ctx, &created.token).await, None);
        let listed = scope
            .list_virtual_accounts(VirtualAccountQuery::default())
            .await
            .unwrap();
        assert!(listed.items[0].expired);
    }
);

db_test!(
    names_teams_and_bad_input_are_checked,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let platform = team(&ctx, &admin, "platform").await;
        let scope = ctx.services.scope(&admin);
        match scope
            .create_virtual_account(account("Bad Name", platform))
            .await
        {
            Err(DomainError::Validation(error)) => assert_eq!(error.field, "name"),
            other => panic!("{other:?}"),
        }
        scope
            .create_virtual_account(account("ci-bot", platform))
            .await
            .unwrap();
        match scope
            .create_virtual_account(account("ci-bot", platform))
            .await
        {
            Err(DomainError::Conflict(message)) => assert!(message.contains("already exists")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            scope
                .create_virtual_account(account("orphan", TeamId(999_999)))
                .await,
            Err(DomainError::NotFound(_))
        ));
        let past = NewVirtualAccount {
            expires_at: Some(Utc::now() - Duration::hours(1)),
            ..account("too-late", platform)
        };
        match scope.create_virtual_account(past).await {
            Err(DomainError::Validation(error)) => assert_eq!(error.field, "expires_at"),
            other => panic!("{other:?}"),
        }
        // A team that owns an account is not deleted.
        match scope.delete_team(platform).await {
            Err(DomainError::Conflict(message)) => {
                assert!(
                    message.contains("owns 1 virtual account(s): ci-bot"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
);

db_test!(
    team_managers_act_on_their_teams_accounts_when_the_role_allows,
    |ctx: TestCtx| async move {
        let (admin, lead_id) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let platform = team(&ctx, &admin, "platform").await;
        let data = team(&ctx, &admin, "data").await;
        scope
            .add_team_members(
                platform,
                NewTeamMembers {
                    emails: "m@example.com".into(),
                    role: TeamMemberRole::Manager,
                },
            )
            .await
            .unwrap();
        let others = scope
            .create_virtual_account(account("data-loader", data))
            .await
            .unwrap()
            .detail
            .account
            .id;
        let lead = ctx.actor(lead_id).await;
        let as_lead = ctx.services.scope(&lead);
        // The default Team Manager role grants nothing on virtual accounts.
        assert!(matches!(
            as_lead
                .create_virtual_account(account("platform-bot", platform))
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // Seed 001's recipe: the Admin lets team managers look after their teams' accounts.
        let manager_role = ctx.role_id(BuiltinRole::TeamManager.name()).await;
        scope
            .update_role(
                manager_role,
                RoleChanges {
                    display_name: "Team Manager".into(),
                    description: "Looks after a team".into(),
                    permissions: [
                        "team:ReadTeam",
                        "virtual-account:ReadVirtualAccount",
                        "virtual-account:CreateVirtualAccount",
                        "virtual-account:ManageVirtualAccount",
                    ]
                    .map(String::from)
                    .to_vec(),
                },
            )
            .await
            .unwrap();
        let created = as_lead
            .create_virtual_account(account("platform-bot", platform))
            .await
            .unwrap();
        let id = created.detail.account.id;
        assert!(created.detail.can_manage && !created.detail.can_delete);
        assert_eq!(
            as_lead.virtual_account_token(id).await.unwrap(),
            created.token
        );
        as_lead
            .regenerate_virtual_account_token(id, GracePeriod::days(1))
            .await
            .unwrap();
        assert!(matches!(
            as_lead.delete_virtual_account(id).await,
            Err(DomainError::Forbidden(_))
        ));
        // Another team's accounts stay out of reach, and out of the list.
        assert!(matches!(
            as_lead
                .create_virtual_account(account("sneaky", data))
                .await,
            Err(DomainError::Forbidden(_))
        ));
        assert!(matches!(
            as_lead.get_virtual_account(others).await,
            Err(DomainError::Forbidden(_))
        ));
        let listed = as_lead
            .list_virtual_accounts(VirtualAccountQuery::default())
            .await
            .unwrap();
        assert_eq!(
            listed
                .items
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>(),
            ["platform-bot"]
        );
        let everything = scope
            .list_virtual_accounts(VirtualAccountQuery::default())
            .await
            .unwrap();
        assert_eq!(everything.total, 2);
    }
);

db_test!(
    an_account_is_edited_and_moved_only_by_whoever_holds_its_grants,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let platform = team(&ctx, &admin, "platform").await;
        let data = team(&ctx, &admin, "data").await;
        let scope = ctx.services.scope(&admin);
        let created = scope
            .create_virtual_account(NewVirtualAccount {
                description: "  Deploys the serving stack  ".into(),
                ..account("deployer", platform)
            })
            .await
            .unwrap();
        let id = created.detail.account.id;
        assert_eq!(
            created.detail.account.description,
            "Deploys the serving stack"
        );
        let (_, workspace) = cluster_and_workspace(&ctx, &admin).await;
        scope
            .add_collaborator(NewCollaborator {
                resource_id: workspace,
                subject: "virtualaccount:deployer".into(),
                role_id: ctx.role_id("workspace-admin").await,
            })
            .await
            .unwrap();

        // The Admin changes all three; the name stays.
        let later = Utc::now() + Duration::days(60);
        let changed = scope
            .update_virtual_account(
                id,
                VirtualAccountChanges {
                    owner_team_id: data,
                    expires_at: Some(later),
                    description: "Now the data team's".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(changed.account.owner_team.name, "data");
        assert_eq!(changed.account.name, "deployer");
        assert!(changed.account.updated_at > changed.account.created_at);
        assert!(
            authenticate(&ctx, &created.token).await.is_some(),
            "its token still works"
        );
        let past = VirtualAccountChanges {
            owner_team_id: data,
            expires_at: Some(Utc::now() - Duration::hours(1)),
            description: String::new(),
        };
        match scope.update_virtual_account(id, past).await {
            Err(DomainError::Validation(e)) => assert_eq!(e.field, "expires_at"),
            other => panic!("{other:?}"),
        }
        let nowhere = VirtualAccountChanges {
            owner_team_id: TeamId(0),
            expires_at: None,
            description: String::new(),
        };
        match scope.update_virtual_account(id, nowhere).await {
            Err(DomainError::Validation(e)) => assert_eq!(e.field, "owner_team_id"),
            other => panic!("{other:?}"),
        }

        // Someone who manages and creates accounts, but lacks Workspace Admin on the account's
        // workspace, may describe it but not move it (its new team's managers would get its
        // grants).
        scope
            .create_role(domain::dto::NewRole {
                resource_type: None,
                name: "account-keeper".into(),
                display_name: "Account keeper".into(),
                description: "Looks after virtual accounts".into(),
                permissions: [
                    "virtual-account:ReadVirtualAccount",
                    "virtual-account:CreateVirtualAccount",
                    "virtual-account:ManageVirtualAccount",
                ]
                .map(String::from)
                .to_vec(),
            })
            .await
            .unwrap();
        let tenant = ctx.default_tenant().await;
        let keeper = ctx
            .add_user_with_role(
                tenant.id,
                "keeper@example.com",
                "account-keeper",
                domain::dto::UserStatus::Active,
            )
            .await;
        let keeper = ctx.actor(keeper).await;
        let theirs = ctx.services.scope(&keeper);
        theirs
            .update_virtual_account(
                id,
                VirtualAccountChanges {
                    owner_team_id: data,
                    expires_at: Some(later),
                    description: "Described by the keeper".into(),
                },
            )
            .await
            .unwrap();
        match theirs
            .update_virtual_account(
                id,
                VirtualAccountChanges {
                    owner_team_id: platform,
                    expires_at: Some(later),
                    description: String::new(),
                },
            )
            .await
        {
            Err(DomainError::Forbidden(message)) => {
                assert!(message.contains("Moving deployer"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let member = ctx.actor(ctx.user_id("m@example.com").await).await;
        assert!(matches!(
            ctx.services
                .scope(&member)
                .update_virtual_account(
                    id,
                    VirtualAccountChanges {
                        owner_team_id: data,
                        expires_at: None,
                        description: String::new(),
                    }
                )
                .await,
            Err(DomainError::Forbidden(_))
        ));
    }
);
