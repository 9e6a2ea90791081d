//! Access > Teams: teams, members and managers, and the tenant role members inherit.

use crate::harness::{TestCtx, db_test};
use domain::DomainError;
use domain::dto::{
    NewRole, NewTeam, NewTeamMembers, TeamChanges, TeamMemberRole, TeamQuery, UserQuery, UserStatus,
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
    let tenant = ctx.default_tenant().await;
    let scope = ctx.services.scope(&admin);
    scope
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
    let runner: Actor = ctx
        .actor(
            ctx.add_user_with_role(
                tenant.id,
                "runner@example.com",
                "team-admin",
                UserStatus::Active,
            )
            .await,
        )
        .await;
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
