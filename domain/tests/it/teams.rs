//! Access > Teams: teams, members and managers, and the tenant role members inherit.

use crate::harness::{TestCtx, db_test};
use domain::DomainError;
use domain::dto::{
    NewRole, NewTeam, NewTeamMembers, TeamChanges, TeamManifest, TeamMemberRole, TeamQuery,
    UserQuery, UserStatus,
};
use domain::ids::TeamId;
use domain::permissions::{BuiltinRole, Permission};
use domain::{Actor, Scope};

fn team(name: &str) -> NewTeam {
    NewTeam {
        name: name.into(),
        description: format!("The {name} team"),
        role_id: None,
    }
}

fn members(emails: &str, role: TeamMemberRole) -> NewTeamMembers {
    NewTeamMembers {
        emails: emails.into(),
        role,
    }
}

async fn create(scope: &Scope<'_>, name: &str) -> TeamId {
    scope.create_team(team(name)).await.unwrap().team.id
}

/// runner@example.com, holding a custom role that may read, create and run every team
/// (team:ReadTeam, CreateTeam, ManageTeam) and nothing else.
async fn team_runner(ctx: &TestCtx, admin: &Scope<'_>) -> Actor {
    admin
        .create_role(NewRole {
            resource_type: None,
            name: "team-admin".into(),
            display_name: "Team admin".into(),
            description: "Runs teams".into(),
            permissions: ["team:ReadTeam", "team:CreateTeam", "team:ManageTeam"]
                .map(String::from)
                .to_vec(),
        })
        .await
        .unwrap();
    let tenant = ctx.default_tenant().await;
    ctx.actor(
        ctx.add_user_with_role(
            tenant.id,
            "runner@example.com",
            "team-admin",
            UserStatus::Active,
        )
        .await,
    )
    .await
}

fn field_of(result: Result<impl std::fmt::Debug, DomainError>) -> String {
    match result {
        Err(DomainError::Validation(err)) => err.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(
    creating_listing_editing_deleting,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let ml = create(&scope, "ml-engineers").await;
        create(&scope, "data-platform").await;

        assert_eq!(
            field_of(scope.create_team(team("ML Engineers")).await),
            "name"
        );
        assert_eq!(
            field_of(scope.create_team(team("ml-engineers")).await),
            "name"
        );
        assert_eq!(
            field_of(
                scope
                    .create_team(NewTeam {
                        description: "  ".into(),
                        ..team("empty")
                    })
                    .await
            ),
            "description"
        );

        let all = scope.list_teams(TeamQuery::default()).await.unwrap();
        let names: Vec<_> = all.items.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["data-platform", "ml-engineers"]);
        let found = scope
            .list_teams(TeamQuery {
                search: Some("ML".into()),
                ..TeamQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].name, "ml-engineers");
        let page = scope
            .list_teams(TeamQuery {
                limit: Some(1),
                offset: Some(1),
                ..TeamQuery::default()
            })
            .await
            .unwrap();
        assert_eq!((page.total, page.items.len()), (2, 1));
        assert_eq!(page.items[0].name, "ml-engineers");

        let member_role = ctx.role_id("tenant-member").await;
        let updated = scope
            .update_team(
                ml,
                TeamChanges {
                    description: "Trains the models".into(),
                    role_id: Some(member_role),
                },
            )
            .await
            .unwrap();
        assert_eq!(updated.team.description, "Trains the models");
        assert_eq!(updated.team.role.unwrap().name, "tenant-member");

        scope.delete_team(ml).await.unwrap();
        assert!(matches!(
            scope.get_team(ml).await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            scope.list_teams(TeamQuery::default()).await.unwrap().total,
            1
        );
    }
);

db_test!(members_and_managers, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let tenant = ctx.default_tenant().await;
    for email in [
        "lead@example.com",
        "dev@example.com",
        "outsider@example.com",
    ] {
        ctx.add_user(tenant.id, email, BuiltinRole::Member, UserStatus::Active)
            .await;
    }
    let scope = ctx.services.scope(&admin);
    let ml = create(&scope, "ml-engineers").await;

    // Unknown addresses are named and nothing is added.
    assert!(matches!(
        scope
            .add_team_members(ml, members("lead@example.com, nobody@example.com", TeamMemberRole::Member))
            .await,
        Err(DomainError::Validation(err)) if err.message.contains("nobody@example.com")
    ));
    assert_eq!(scope.get_team(ml).await.unwrap().members.len(), 0);

    scope
        .add_team_members(ml, members("lead@example.com", TeamMemberRole::Manager))
        .await
        .unwrap();
    let outcome = scope
        .add_team_members(
            ml,
            members("m@example.com lead@example.com", TeamMemberRole::Member),
        )
        .await
        .unwrap();
    assert_eq!(outcome.added, ["m@example.com"]);
    assert_eq!(outcome.already_members, ["lead@example.com"]);
    let detail = scope.get_team(ml).await.unwrap();
    assert_eq!(detail.team.member_count, 2);
    assert_eq!(detail.team.managers, ["lead@example.com"]);
    assert_eq!(
        detail.members[0].email, "lead@example.com",
        "managers first"
    );
    // The users list and the user page show the teams.
    let listed = scope
        .list_users(UserQuery {
            search: Some("lead@".into()),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.items[0].teams, ["ml-engineers"]);
    let lead_id = ctx.user_id("lead@example.com").await;
    let page = scope.get_user(lead_id).await.unwrap();
    assert_eq!(page.team_memberships[0].name, "ml-engineers");
    assert_eq!(page.team_memberships[0].role, TeamMemberRole::Manager);

    // The manager (a plain Member otherwise) runs the membership without team:ManageTeam.
    let lead = ctx.actor(ctx.user_id("lead@example.com").await).await;
    assert!(
        !lead
            .user()
            .unwrap()
            .permissions
            .contains(&Permission::ManageTeam)
    );
    let as_lead = ctx.services.scope(&lead);
    as_lead
        .add_team_members(ml, members("dev@example.com", TeamMemberRole::Member))
        .await
        .unwrap();
    let dev = ctx.user_id("dev@example.com").await;
    as_lead
        .set_team_member_role(ml, dev, TeamMemberRole::Manager)
        .await
        .unwrap();
    let after = as_lead.remove_team_member(ml, member).await.unwrap();
    let emails: Vec<_> = after.members.iter().map(|m| m.email.as_str()).collect();
    assert_eq!(emails, ["dev@example.com", "lead@example.com"]);
    // ...but not the team itself, and not other teams.
    assert!(matches!(
        as_lead
            .update_team(
                ml,
                TeamChanges {
                    description: "x".into(),
                    role_id: None
                }
            )
            .await,
        Err(DomainError::Forbidden(_))
    ));
    let other = create(&scope, "other-team").await;
    assert!(matches!(
        as_lead
            .add_team_members(other, members("outsider@example.com", TeamMemberRole::Member))
            .await,
        Err(DomainError::Forbidden(message)) if message.contains("team:ManageTeam")
    ));
    assert!(matches!(
        as_lead.remove_team_member(ml, member).await,
        Err(DomainError::NotFound(_))
    ));
    // Without team:ReadTeam, the manager sees their own team (and only it): in the list, on
    // its page, and among the teams they manage.
    assert!(
        !lead
            .user()
            .unwrap()
            .permissions
            .contains(&Permission::ReadTeam)
    );
    assert_eq!(
        as_lead.get_team(ml).await.unwrap().team.name,
        "ml-engineers"
    );
    let listed = as_lead.list_teams(TeamQuery::default()).await.unwrap();
    let names: Vec<_> = listed.items.iter().map(|t| t.name.as_str()).collect();
    assert_eq!((names, listed.total), (vec!["ml-engineers"], 1));
    let lead_user = as_lead.current_user().await.unwrap();
    assert_eq!(lead_user.managed_teams.len(), 1);
    // What the Team Manager role lets them do on their team's things, for the navigation: by
    // default it reads teams and nothing of virtual accounts.
    assert_eq!(lead_user.team_manager_permissions, vec!["team:ReadTeam"]);
    assert!(!lead_user.can_as_team_manager(Permission::ReadVirtualAccount));
    assert!(matches!(
        as_lead.get_team(other).await,
        Err(DomainError::Forbidden(message)) if message.contains("team:ReadTeam")
    ));
    // A plain member of a team, not its manager, is not let in.
    let as_dev_member = ctx.actor(member).await;
    let member_user = ctx
        .services
        .scope(&as_dev_member)
        .current_user()
        .await
        .unwrap();
    assert!(member_user.team_manager_permissions.is_empty());
    assert!(matches!(
        ctx.services
            .scope(&as_dev_member)
            .list_teams(TeamQuery::default())
            .await,
        Err(DomainError::Forbidden(_))
    ));

    // Another tenant's Admin sees none of it.
    let outsider = ctx.outsider_admin().await;
    assert!(matches!(
        ctx.services
            .scope(&outsider)
            .add_team_members(ml, members("outsider@example.com", TeamMemberRole::Member))
            .await,
        Err(DomainError::NotFound(_))
    ));
});

db_test!(members_inherit_the_team_role, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let scope = ctx.services.scope(&admin);
    scope
        .create_role(NewRole {
            resource_type: None,
            name: "team-reader".into(),
            display_name: "Team reader".into(),
            description: "Reads teams".into(),
            permissions: vec!["team:ReadTeam".into(), "user:ListUsers".into()],
        })
        .await
        .unwrap();
    let ml = scope
        .create_team(NewTeam {
            role_id: Some(ctx.role_id("team-reader").await),
            ..team("ml-engineers")
        })
        .await
        .unwrap()
        .team
        .id;
    scope
        .add_team_members(ml, members("m@example.com", TeamMemberRole::Member))
        .await
        .unwrap();

    let actor = ctx.actor(member).await;
    assert!(
        actor
            .user()
            .unwrap()
            .permissions
            .contains(&Permission::ReadTeam)
    );
    let detail = scope.get_user(member).await.unwrap();
    let sources = |key: &str| {
        detail
            .effective_permissions
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.sources.clone())
            .unwrap_or_default()
    };
    assert_eq!(sources("team:ReadTeam"), ["Team ml-engineers: Team reader"]);
    assert_eq!(
        sources("user:ListUsers"),
        ["Role: Member", "Team ml-engineers: Team reader"]
    );

    // The role cannot go while the team holds it; the user cannot go while in the team.
    match scope.delete_role(ctx.role_id("team-reader").await).await {
        Err(DomainError::Conflict(message)) => {
            assert!(message.contains("1 team(s): ml-engineers"), "{message}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    match scope.delete_user(member).await {
        Err(DomainError::Conflict(message)) => assert_eq!(
            message,
            "m@example.com is a member of 1 team(s): ml-engineers. Remove them from these first."
        ),
        other => panic!("expected a conflict, got {other:?}"),
    }

    // Leaving the team takes the inherited permissions away at once.
    scope.remove_team_member(ml, member).await.unwrap();
    let actor = ctx.actor(member).await;
    assert!(
        !actor
            .user()
            .unwrap()
            .permissions
            .contains(&Permission::ReadTeam)
    );
    scope.delete_user(member).await.unwrap();
});

db_test!(teams_do_not_escalate, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let scope = ctx.services.scope(&admin);
    let runner: Actor = team_runner(&ctx, &scope).await;
    let as_runner = ctx.services.scope(&runner);
    let admin_role = ctx.role_id("tenant-admin").await;
    let member_role = ctx.role_id("tenant-member").await;

    // A team holding Admin would make its members Admins: only an Admin sets that up.
    assert!(matches!(
        as_runner
            .create_team(NewTeam {
                role_id: Some(admin_role),
                ..team("admins")
            })
            .await,
        Err(DomainError::Forbidden(message)) if message == "Only an Admin can make someone an Admin."
    ));
    let own = create(&as_runner, "runners").await;
    assert!(matches!(
        as_runner
            .update_team(own, TeamChanges { description: "x".into(), role_id: Some(member_role) })
            .await,
        Err(DomainError::Forbidden(message)) if message.contains("You lack: user:ListUsers, repository:CreateRepository")
    ));

    // Nor may they add people to a team whose role holds more than they do.
    let admins = scope
        .create_team(NewTeam {
            role_id: Some(admin_role),
            ..team("admins")
        })
        .await
        .unwrap()
        .team
        .id;
    assert!(matches!(
        as_runner
            .add_team_members(admins, members("m@example.com", TeamMemberRole::Member))
            .await,
        Err(DomainError::Forbidden(message)) if message.starts_with("Members of admins get its role and its grants") && message.ends_with("Only an Admin can make someone an Admin.")
    ));
    assert!(
        !ctx.actor(member)
            .await
            .user()
            .unwrap()
            .permissions
            .contains(&Permission::ManageSettings)
    );
    // The Admin may; the member is then an Admin through the team.
    scope
        .add_team_members(admins, members("m@example.com", TeamMemberRole::Member))
        .await
        .unwrap();
    assert!(ctx.actor(member).await.user().unwrap().is_admin);
});

fn manifest(name: &str, members: &[&str], managers: &[&str]) -> TeamManifest {
    TeamManifest {
        name: name.into(),
        description: Some(format!("The {name} team")),
        members: members.iter().map(|m| m.to_string()).collect(),
        managers: Some(managers.iter().map(|m| m.to_string()).collect()),
    }
}

db_test!(
    a_team_manifest_creates_then_brings_the_team_to_match,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let tenant = ctx.default_tenant().await;
        for email in ["a@example.com", "b@example.com"] {
            ctx.add_user(tenant.id, email, BuiltinRole::Member, UserStatus::Active)
                .await;
        }
        let scope = ctx.services.scope(&admin);

        // A rehearsal decides everything and writes nothing.
        let rehearsed = scope
            .rehearsal()
            .apply_team(manifest("platform", &["a@example.com"], &["m@example.com"]))
            .await
            .unwrap();
        assert!(rehearsed.created);
        assert_eq!(
            rehearsed.team.team.members,
            ["a@example.com", "m@example.com"]
        );
        assert_eq!(
            scope.list_teams(TeamQuery::default()).await.unwrap().total,
            0
        );

        let created = scope
            .apply_team(manifest("platform", &["a@example.com"], &["m@example.com"]))
            .await
            .unwrap();
        assert!(created.created);
        assert_eq!(created.team.team.managers, ["m@example.com"]);
        assert_eq!(
            created.team.team.created_by.map(|u| u.email),
            Some("admin@example.com".to_string())
        );

        // Without a managers list the managers stay (a manifest naming members only).
        let kept = scope
            .apply_team(TeamManifest {
                managers: None,
                ..manifest("platform", &["a@example.com"], &[])
            })
            .await
            .unwrap();
        assert_eq!(kept.team.team.managers, ["m@example.com"]);
        assert_eq!(kept.team.team.members, ["a@example.com", "m@example.com"]);

        // Again, different: b joins, a leaves, m steps down to member, the description stays
        // when the manifest leaves it out.
        let updated = scope
            .apply_team(TeamManifest {
                description: None,
                ..manifest("platform", &["b@example.com", "m@example.com"], &[])
            })
            .await
            .unwrap();
        assert!(!updated.created);
        assert_eq!(updated.team.team.id, created.team.team.id);
        assert_eq!(
            updated.team.team.members,
            ["b@example.com", "m@example.com"]
        );
        assert!(updated.team.team.managers.is_empty());
        assert_eq!(updated.team.team.description, "The platform team");

        // An unknown address changes nothing, and says which.
        match scope
            .apply_team(manifest("platform", &["nobody@example.com"], &[]))
            .await
        {
            Err(DomainError::Validation(err)) => {
                assert_eq!(err.field, "members");
                assert!(
                    err.message.contains("nobody@example.com"),
                    "{}",
                    err.message
                );
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
        assert_eq!(
            field_of(
                scope
                    .apply_team(manifest("platform", &[], &["nobody@example.com"]))
                    .await
            ),
            "managers"
        );
        let after = scope.get_team(created.team.team.id).await.unwrap();
        assert_eq!(after.team.members, ["b@example.com", "m@example.com"]);
    }
);

db_test!(
    a_team_manifest_is_decided_as_the_console_decides,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "x@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
        let scope = ctx.services.scope(&admin);
        let admin_role = ctx.role_id("tenant-admin").await;
        scope
            .apply_team(manifest("crew", &[], &["m@example.com"]))
            .await
            .unwrap();
        let admins = scope
            .create_team(NewTeam {
                role_id: Some(admin_role),
                ..team("admins")
            })
            .await
            .unwrap()
            .team
            .id;
        scope
            .add_team_members(
                admins,
                members("admin@example.com", TeamMemberRole::Manager),
            )
            .await
            .unwrap();
        let as_member_actor = ctx.actor(member).await;
        let as_member = ctx.services.scope(&as_member_actor);

        // A plain Member creates no team...
        assert!(matches!(
            as_member.apply_team(manifest("own", &[], &[])).await,
            Err(DomainError::Forbidden(_))
        ));
        // ...but, as its manager, runs the members of the team they manage...
        let crew = as_member
            .apply_team(manifest("crew", &["x@example.com"], &["m@example.com"]))
            .await
            .unwrap();
        assert_eq!(crew.team.team.members, ["m@example.com", "x@example.com"]);
        // ...and not its description, which needs team:ManageTeam.
        assert!(matches!(
            as_member
                .apply_team(TeamManifest {
                    description: Some("Ours now".into()),
                    ..manifest("crew", &["x@example.com"], &["m@example.com"])
                })
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // A team they do not manage is refused, even a manifest that changes nothing.
        assert!(matches!(
            as_member
                .apply_team(TeamManifest {
                    description: None,
                    ..manifest("admins", &[], &["admin@example.com"])
                })
                .await,
            Err(DomainError::Forbidden(_))
        ));
        // Someone who may run every team (team:ManageTeam) still adds nobody to the Admin team:
        // joining hands out the Admin role, which only an Admin gives.
        let runner = team_runner(&ctx, &scope).await;
        let refused = ctx
            .services
            .scope(&runner)
            .apply_team(TeamManifest {
                description: None,
                ..manifest("admins", &["x@example.com"], &["admin@example.com"])
            })
            .await;
        assert!(
            matches!(&refused, Err(DomainError::Forbidden(message)) if message.starts_with("Members of admins get its role")),
            "{refused:?}"
        );
        let admins_now = scope.get_team(admins).await.unwrap();
        assert_eq!(admins_now.team.members, ["admin@example.com"]);
    }
);
