//! Picking subjects by name, grants that name and link their subjects, paged collaborators,
//! and the Users list's bulk changes (one transaction, every user checked as when alone).

use crate::escalation_seams::team;
use crate::harness::{TestCtx, db_test};
use crate::resources::create;
use domain::dto::{
    BulkUserChange, CollaboratorQuery, InviteRequest, NewCollaborator, NewTeamMembers,
    NewVirtualAccount, SubjectKind, SubjectLink, SubjectSearch, TeamMemberRole, UserChange,
    UserStatus,
};
use domain::ids::UserId;
use domain::permissions::BuiltinRole;
use domain::resources::ResourceType;
use domain::{Actor, DomainError};

const ALL_KINDS: [SubjectKind; 3] = [
    SubjectKind::User,
    SubjectKind::Team,
    SubjectKind::VirtualAccount,
];

fn search(text: &str) -> SubjectSearch {
    SubjectSearch {
        text: text.into(),
        kinds: ALL_KINDS.to_vec(),
    }
}

db_test!(
    suggestions_offer_each_kind_as_far_as_the_actor_may_list_it,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let tenant = ctx.default_tenant().await;
        ctx.add_user(
            tenant.id,
            "mlops-lead@example.com",
            BuiltinRole::Member,
            UserStatus::Deactivated,
        )
        .await;
        let ml = team(&ctx, &admin, "ml-engineers", None).await;
        team(&ctx, &admin, "ml-research", None).await;
        ctx.services
            .scope(&admin)
            .create_virtual_account(NewVirtualAccount {
                name: "ml-pipeline".into(),
                owner_team_id: ml,
                expires_at: None,
                description: String::new(),
            })
            .await
            .unwrap();

        let found = ctx
            .services
            .scope(&admin)
            .suggest_subjects(search("ML"))
            .await
            .unwrap();
        let subjects: Vec<&str> = found.iter().map(|s| s.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "user:mlops-lead@example.com",
                "team:ml-engineers",
                "team:ml-research",
                "virtualaccount:ml-pipeline",
            ]
        );
        assert_eq!(found[0].label, "MLOPS-LEAD");
        assert_eq!(found[0].detail, "mlops-lead@example.com (deactivated)");
        assert_eq!(found[1].link, SubjectLink::Team(ml));

        // A display name matches too.
        let by_name = ctx
            .services
            .scope(&admin)
            .suggest_subjects(search("mlops-l"))
            .await
            .unwrap();
        assert_eq!(by_name.len(), 1);

        // A Member lists users, and only the teams they belong to; no virtual accounts.
        let member_actor = ctx.actor(member).await;
        let scope = ctx.services.scope(&member_actor);
        let seen: Vec<String> = scope
            .suggest_subjects(search("ml"))
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.subject)
            .collect();
        assert_eq!(seen, ["user:mlops-lead@example.com"]);
        ctx.services
            .scope(&admin)
            .add_team_members(
                ml,
                NewTeamMembers {
                    emails: "m@example.com".into(),
                    role: TeamMemberRole::Member,
                },
            )
            .await
            .unwrap();
        let seen: Vec<String> = scope
            .suggest_subjects(SubjectSearch {
                text: "ml".into(),
                kinds: vec![SubjectKind::Team, SubjectKind::VirtualAccount],
            })
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.subject)
            .collect();
        assert_eq!(seen, ["team:ml-engineers"]);

        // Blank text finds nothing; LIKE wildcards are characters.
        assert!(
            scope
                .suggest_subjects(search("  "))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            scope
                .suggest_subjects(search("%"))
                .await
                .unwrap()
                .is_empty()
        );
        // Nobody signed in finds nothing at all.
        assert!(matches!(
            ctx.services
                .scope(&Actor::Anonymous)
                .suggest_subjects(search("ml"))
                .await,
            Err(DomainError::Unauthenticated)
        ));
    }
);

db_test!(
    grants_name_their_subjects_and_pages_of_collaborators_are_read_apart,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let ml = team(&ctx, &admin, "ml-engineers", None).await;
        let scope = ctx.services.scope(&admin);
        let ws = create(&scope, ResourceType::Cluster, "prod", None).await;
        let viewer = ctx.role_id("cluster-viewer").await;
        for subject in ["user:m@example.com", "team:ml-engineers"] {
            scope
                .add_collaborator(NewCollaborator {
                    resource_id: ws,
                    subject: subject.into(),
                    role_id: viewer,
                })
                .await
                .unwrap();
        }
        let detail = scope.get_resource(ws).await.unwrap();
        // The creator's grant, then the two above, oldest first.
        assert_eq!(detail.collaborators.total, 3);
        let rows = &detail.collaborators.items;
        assert_eq!(rows[1].subject, "user:m@example.com");
        assert_eq!(rows[1].subject_label, "M");
        assert_eq!(rows[1].subject_link, SubjectLink::User(member));
        assert_eq!(rows[2].subject_label, "ml-engineers");
        assert_eq!(rows[2].subject_link, SubjectLink::Team(ml));

        let second = scope
            .get_resource_with(
                ws,
                CollaboratorQuery {
                    limit: Some(2),
                    offset: Some(2),
                },
            )
            .await
            .unwrap();
        assert_eq!(second.collaborators.total, 3);
        assert_eq!(second.collaborators.items.len(), 1);
        assert_eq!(second.collaborators.items[0].subject, "team:ml-engineers");
        match scope
            .get_resource_with(
                ws,
                CollaboratorQuery {
                    limit: Some(0),
                    offset: None,
                },
            )
            .await
        {
            Err(DomainError::Validation(v)) => assert_eq!(v.field, "limit"),
            other => panic!("expected a refused limit, got {other:?}"),
        }
    }
);

db_test!(a_bulk_change_is_all_or_nothing, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let tenant = ctx.default_tenant().await;
    let other = ctx
        .add_user(
            tenant.id,
            "o@example.com",
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
    let scope = ctx.services.scope(&admin);

    let outcome = scope
        .change_users(BulkUserChange {
            users: vec![other, member],
            change: UserChange::Deactivate,
        })
        .await
        .unwrap();
    assert_eq!(outcome.changed, ["m@example.com", "o@example.com"]);
    for id in [member, other] {
        assert_eq!(
            scope.get_user(id).await.unwrap().user.status,
            UserStatus::Deactivated
        );
    }
    scope
        .change_users(BulkUserChange {
            users: vec![member, other],
            change: UserChange::Activate,
        })
        .await
        .unwrap();

    // Demoting every Admin at once: the last one is refused, and so is the whole change.
    let admin_id = ctx.admin_id().await;
    match scope
        .change_users(BulkUserChange {
            users: vec![member, admin_id],
            change: UserChange::Role(ctx.role_id("team-manager").await),
        })
        .await
    {
        Err(DomainError::Conflict(message)) => {
            assert!(message.contains("last active Admin"), "{message}")
        }
        other => panic!("expected the last Admin to stay, got {other:?}"),
    }
    assert_eq!(
        scope.get_user(member).await.unwrap().user.role_name,
        "tenant-member"
    );

    // Joining a team: the ones already in it are not counted as changed.
    let ml = team(&ctx, &admin, "ml-engineers", None).await;
    scope
        .add_team_members(
            ml,
            NewTeamMembers {
                emails: "m@example.com".into(),
                role: TeamMemberRole::Manager,
            },
        )
        .await
        .unwrap();
    let joined = scope
        .change_users(BulkUserChange {
            users: vec![member, other],
            change: UserChange::JoinTeam(ml),
        })
        .await
        .unwrap();
    assert_eq!(joined.changed, ["o@example.com"]);
    let members = scope.get_team(ml).await.unwrap().members;
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].role, TeamMemberRole::Manager, "{members:?}");

    // Nothing chosen, or more than a page: refused by field. (One user named twice counts once.)
    let too_many = (1..=BulkUserChange::MAX_USERS as i64 + 1)
        .map(UserId)
        .collect();
    for users in [Vec::new(), too_many] {
        match scope
            .change_users(BulkUserChange {
                users,
                change: UserChange::Activate,
            })
            .await
        {
            Err(DomainError::Validation(v)) => assert_eq!(v.field, "users"),
            other => panic!("expected a refusal naming users, got {other:?}"),
        }
    }
    // Another tenant's user reads as not found, and nothing changes.
    let outsider = ctx.outsider_admin().await;
    assert!(matches!(
        ctx.services
            .scope(&outsider)
            .change_users(BulkUserChange {
                users: vec![member],
                change: UserChange::Deactivate,
            })
            .await,
        Err(DomainError::NotFound(_))
    ));
    assert_eq!(
        scope.get_user(member).await.unwrap().user.status,
        UserStatus::Active
    );
});

db_test!(
    invited_people_join_the_teams_chosen_with_them,
    |ctx: TestCtx| async move {
        let (admin, _) = ctx.admin_and_member().await;
        let ml = team(&ctx, &admin, "ml-engineers", None).await;
        let scope = ctx.services.scope(&admin);
        let outcome = scope
            .invite_users(InviteRequest {
                emails: "new-one@example.com, m@example.com".into(),
                role_id: ctx.role_id("tenant-member").await,
                send_password_email: false,
                teams: vec![ml, ml],
            })
            .await
            .unwrap();
        assert_eq!(outcome.invited.len(), 1);
        // Only the new user joins: the existing one was left alone.
        let members: Vec<String> = scope
            .get_team(ml)
            .await
            .unwrap()
            .members
            .into_iter()
            .map(|m| m.email)
            .collect();
        assert_eq!(members, ["new-one@example.com"]);
        // The invite form shows each role with its description.
        let roles = scope.assignable_roles().await.unwrap();
        assert!(roles.iter().all(|r| !r.description.is_empty()), "{roles:?}");
    }
);

db_test!(
    bulk_joining_names_users_by_id_so_it_needs_listing_them,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let tenant = ctx.default_tenant().await;
        let manager = ctx
            .add_user(
                tenant.id,
                "tm@example.com",
                BuiltinRole::TeamManager,
                UserStatus::Active,
            )
            .await;
        let ml = team(&ctx, &admin, "ml-engineers", None).await;
        ctx.services
            .scope(&admin)
            .add_team_members(
                ml,
                NewTeamMembers {
                    emails: "tm@example.com".into(),
                    role: TeamMemberRole::Manager,
                },
            )
            .await
            .unwrap();
        // The manager may add people to the team by email, but ids read back as emails here
        // would list the tenant's users, which their role does not allow.
        let manager = ctx.actor(manager).await;
        match ctx
            .services
            .scope(&manager)
            .change_users(BulkUserChange {
                users: vec![member],
                change: UserChange::JoinTeam(ml),
            })
            .await
        {
            Err(DomainError::Forbidden(message)) => {
                assert!(message.contains("user:ListUsers"), "{message}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            ctx.services
                .scope(&admin)
                .get_team(ml)
                .await
                .unwrap()
                .members
                .len(),
            1
        );
    }
);
