//! Resources, collaborators and "why does this subject have access?".

use crate::harness::{TestCtx, db_test};
use domain::dto::{
    AccessQuestion, CollaboratorQuery, NewCollaborator, NewResource, NewTeam, NewTeamMembers,
    TeamMemberRole, UserStatus,
};
use domain::ids::{ResourceId, UserId};
use domain::permissions::BuiltinRole;
use domain::resources::{INVALID_SUBJECT, ResourceType};
use domain::{Actor, DomainError, Scope};

pub fn resource(kind: ResourceType, name: &str, parent: Option<ResourceId>) -> NewResource {
    NewResource {
        resource_type: kind,
        name: name.into(),
        parent_id: parent,
    }
}

pub async fn create(
    scope: &Scope<'_>,
    kind: ResourceType,
    name: &str,
    parent: Option<ResourceId>,
) -> ResourceId {
    scope
        .create_resource(resource(kind, name, parent))
        .await
        .unwrap()
        .resource
        .id
}

async fn grant(ctx: &TestCtx, scope: &Scope<'_>, on: ResourceId, subject: &str, role: &str) {
    scope
        .add_collaborator(NewCollaborator {
            resource_id: on,
            subject: subject.into(),
            role_id: ctx.role_id(role).await,
        })
        .await
        .unwrap();
}

async fn paths(scope: &Scope<'_>, subject: &str, on: ResourceId, permission: &str) -> Vec<String> {
    let answer = scope
        .check_access(AccessQuestion {
            subject: subject.into(),
            resource_id: on,
            permission: permission.into(),
        })
        .await
        .unwrap();
    assert_eq!(
        answer.allowed,
        !answer.paths.is_empty() && answer.blocked.is_none()
    );
    answer.paths.iter().map(|p| p.describe()).collect()
}

async fn visible(ctx: &TestCtx, user: UserId) -> Vec<String> {
    let actor: Actor = ctx.actor(user).await;
    ctx.services
        .scope(&actor)
        .list_resources(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

db_test!(creating_and_deleting_resources, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let scope = ctx.services.scope(&admin);
    let prod = create(&scope, ResourceType::Cluster, "prod", None).await;
    let ws = create(&scope, ResourceType::Workspace, "ml-prod", Some(prod)).await;

    let field = |r: Result<domain::dto::ResourceDetail, DomainError>| match r {
        Err(DomainError::Validation(e)) => e.field,
        other => panic!("expected a validation error, got {other:?}"),
    };
    assert_eq!(
        field(
            scope
                .create_resource(resource(ResourceType::Workspace, "orphan", None))
                .await
        ),
        "parent_id"
    );
    assert_eq!(
        field(
            scope
                .create_resource(resource(ResourceType::Workspace, "nested", Some(ws)))
                .await
        ),
        "parent_id"
    );
    assert_eq!(
        field(
            scope
                .create_resource(resource(ResourceType::Agent, "x", Some(prod)))
                .await
        ),
        "parent_id"
    );
    assert_eq!(
        field(
            scope
                .create_resource(resource(ResourceType::Cluster, "Prod!", None))
                .await
        ),
        "name"
    );
    assert_eq!(
        field(
            scope
                .create_resource(resource(ResourceType::Cluster, "prod", None))
                .await
        ),
        "name"
    );

    // The creator is the strongest collaborator; the page lists the type's roles.
    let page = scope.get_resource(ws).await.unwrap();
    assert_eq!(page.resource.parent.unwrap().name, "prod");
    assert_eq!(
        page.collaborators.items[0].subject,
        "user:admin@example.com"
    );
    assert_eq!(page.collaborators.items[0].role.name, "workspace-admin");
    let roles: Vec<_> = page.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        roles,
        ["workspace-admin", "workspace-editor", "workspace-viewer"]
    );

    // A Member may not create a cluster, but may create a repository (seed 001's defaults),
    // and manages what they created.
    let member_actor = ctx.actor(member).await;
    let as_member = ctx.services.scope(&member_actor);
    assert!(matches!(
        as_member.create_resource(resource(ResourceType::Cluster, "mine", None)).await,
        Err(DomainError::Forbidden(m)) if m.contains("cluster:CreateCluster")
    ));
    let repo = create(&as_member, ResourceType::Repository, "models", None).await;
    assert!(as_member.get_resource(repo).await.unwrap().can_manage);
    assert_eq!(visible(&ctx, member).await, ["models"]);

    // A cluster with workspaces stays; then goes.
    assert!(matches!(
        scope.delete_resource(prod).await,
        Err(DomainError::Conflict(m)) if m.contains("still has 1 workspace(s): ml-prod")
    ));
    scope.delete_resource(ws).await.unwrap();
    scope.delete_resource(prod).await.unwrap();
    assert!(matches!(
        scope.get_resource(prod).await,
        Err(DomainError::NotFound(_))
    ));
    // Another tenant's Admin cannot reach the repository.
    let outsider = ctx.outsider_admin().await;
    assert!(matches!(
        ctx.services.scope(&outsider).get_resource(repo).await,
        Err(DomainError::NotFound(_))
    ));
});

db_test!(
    team_grants_and_the_access_explanation,
    |ctx: TestCtx| async move {
        let (admin, member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let prod = create(&scope, ResourceType::Cluster, "prod", None).await;
        let ws = create(&scope, ResourceType::Workspace, "ml-prod", Some(prod)).await;
        scope
            .create_team(NewTeam {
                name: "ml-engineers".into(),
                description: "ML".into(),
                role_id: None,
            })
            .await
            .unwrap();
        let ml = scope.list_teams(Default::default()).await.unwrap().items[0].id;
        scope
            .add_team_members(
                ml,
                NewTeamMembers {
                    emails: "m@example.com".into(),
                    role: TeamMemberRole::Member,
                },
            )
            .await
            .unwrap();
        assert!(visible(&ctx, member).await.is_empty());

        grant(&ctx, &scope, ws, "team:ml-engineers", "workspace-viewer").await;
        assert_eq!(visible(&ctx, member).await, ["ml-prod"]);
        assert_eq!(
            paths(&scope, "user:m@example.com", ws, "workspace:ReadWorkspace").await,
            ["team ml-engineers -> Workspace Viewer"]
        );
        assert!(
            paths(
                &scope,
                "user:m@example.com",
                ws,
                "workspace:ManageWorkspace"
            )
            .await
            .is_empty()
        );
        assert_eq!(
            paths(
                &scope,
                "user:admin@example.com",
                ws,
                "workspace:DeleteWorkspace"
            )
            .await,
            [
                "Admin role",
                "direct grant -> Cluster Admin on cluster prod",
                "direct grant -> Workspace Admin"
            ]
        );
        // A grant on the cluster reaches the workspaces in it.
        grant(&ctx, &scope, prod, "user:m@example.com", "cluster-viewer").await;
        assert_eq!(
            paths(&scope, "user:m@example.com", ws, "workspace:ReadWorkspace").await,
            [
                "team ml-engineers -> Workspace Viewer",
                "direct grant -> Cluster Viewer on cluster prod"
            ]
        );

        // Bad questions name the field.
        let ask = |subject: &str, permission: &str| AccessQuestion {
            subject: subject.into(),
            resource_id: ws,
            permission: permission.into(),
        };
        for (question, field) in [
            (ask("m@example.com", "workspace:ReadWorkspace"), "subject"),
            (ask("user:m@example.com", "workspace:Fly"), "permission"),
        ] {
            match scope.check_access(question).await {
                Err(DomainError::Validation(e)) => assert_eq!(e.field, field),
                other => panic!("expected a validation error on {field}, got {other:?}"),
            }
        }
        assert!(matches!(
            scope
                .check_access(ask("user:nobody@example.com", "workspace:ReadWorkspace"))
                .await,
            Err(DomainError::NotFound(_))
        ));
        // Seed 004's errors.
        let add = |subject: &str, role| NewCollaborator {
            resource_id: ws,
            subject: subject.into(),
            role_id: role,
        };
        let viewer = ctx.role_id("workspace-viewer").await;
        assert!(matches!(
            scope.add_collaborator(add("team:ml-engineers", viewer)).await,
            Err(DomainError::Conflict(m)) if m.starts_with("Collaborator with this subject and role already exists on the resource")
        ));
        assert!(matches!(
            scope.add_collaborator(add("ml-engineers", viewer)).await,
            Err(DomainError::Validation(e)) if e.message == INVALID_SUBJECT
        ));
        assert!(matches!(
            scope.add_collaborator(add("team:ml-engineers", ctx.role_id("cluster-viewer").await)).await,
            Err(DomainError::NotFound(m)) if m == "Role"
        ));
        assert!(matches!(
            scope.add_collaborator(add("user:nobody@example.com", viewer)).await,
            Err(DomainError::Validation(e)) if e.field == "subject"
        ));

        // Deleting the member is blocked by the team and the grant; removing the team's grant
        // takes the workspace away from them (the cluster grant still shows it).
        match scope.delete_user(member).await {
            Err(DomainError::Conflict(m)) => assert_eq!(
                m,
                "m@example.com is a member of 1 team(s): ml-engineers, and a collaborator on 1 resource(s): cluster prod (Cluster Viewer). Remove them from these first."
            ),
            other => panic!("expected a conflict, got {other:?}"),
        }
        let page = scope.get_resource(ws).await.unwrap();
        let team_grant = page
            .collaborators
            .items
            .iter()
            .find(|c| c.subject == "team:ml-engineers")
            .unwrap()
            .id;
        scope.remove_collaborator(ws, team_grant).await.unwrap();
        assert_eq!(
            paths(&scope, "user:m@example.com", ws, "workspace:ReadWorkspace").await,
            ["direct grant -> Cluster Viewer on cluster prod"]
        );
        let cluster_grant = scope
            .get_resource(prod)
            .await
            .unwrap()
            .collaborators
            .items
            .iter()
            .find(|c| c.subject == "user:m@example.com")
            .unwrap()
            .id;
        scope
            .remove_collaborator(prod, cluster_grant)
            .await
            .unwrap();
        assert!(visible(&ctx, member).await.is_empty());
        // A deactivated user holds nothing, whatever the paths.
        scope.deactivate_user(member).await.unwrap();
        let answer = scope
            .check_access(AccessQuestion {
                subject: "user:m@example.com".into(),
                resource_id: ws,
                permission: "workspace:ReadWorkspace".into(),
            })
            .await
            .unwrap();
        assert!(!answer.allowed);
        assert!(answer.blocked.is_some());
    }
);

db_test!(
    collaborators_cannot_grant_more_than_they_hold,
    |ctx: TestCtx| async move {
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
        let prod = create(&scope, ResourceType::Cluster, "prod", None).await;
        let ws = create(&scope, ResourceType::Workspace, "ml-prod", Some(prod)).await;
        grant(&ctx, &scope, ws, "user:m@example.com", "workspace-editor").await;

        let editor = ctx.actor(member).await;
        let as_editor = ctx.services.scope(&editor);
        let add = |role| NewCollaborator {
            resource_id: ws,
            subject: "user:o@example.com".into(),
            role_id: role,
        };
        as_editor
            .add_collaborator(add(ctx.role_id("workspace-viewer").await))
            .await
            .unwrap();
        assert!(matches!(
            as_editor.add_collaborator(add(ctx.role_id("workspace-admin").await)).await,
            Err(DomainError::Forbidden(m)) if m.ends_with("You lack: workspace:DeleteWorkspace.")
        ));
        // Not on the cluster, where they hold nothing.
        assert!(matches!(
            as_editor
                .add_collaborator(NewCollaborator { resource_id: prod, subject: "user:o@example.com".into(), role_id: ctx.role_id("cluster-viewer").await })
                .await,
            Err(DomainError::Forbidden(m)) if m.contains("cluster:ManageClusters")
        ));
        assert!(matches!(
            as_editor.delete_resource(ws).await,
            Err(DomainError::Forbidden(_))
        ));
        let viewer = ctx.actor(other).await;
        assert!(matches!(
            ctx.services.scope(&viewer).add_collaborator(add(ctx.role_id("workspace-viewer").await)).await,
            Err(DomainError::Forbidden(m)) if m.contains("workspace:ManageWorkspace")
        ));
    }
);

db_test!(custom_resource_roles, |ctx: TestCtx| async move {
    let (admin, member) = ctx.admin_and_member().await;
    let scope = ctx.services.scope(&admin);
    let prod = create(&scope, ResourceType::Cluster, "prod", None).await;
    let ws = create(&scope, ResourceType::Workspace, "ml-prod", Some(prod)).await;
    let role = |permissions: &[&str]| domain::dto::NewRole {
        name: "workspace-deployer".into(),
        display_name: "Workspace Deployer".into(),
        description: "Deploys to a workspace".into(),
        permissions: permissions.iter().map(|p| p.to_string()).collect(),
        resource_type: Some(ResourceType::Workspace),
    };
    match scope
        .create_role(role(&["workspace:ReadWorkspace", "cluster:ReadCluster"]))
        .await
    {
        Err(DomainError::Validation(e)) => assert_eq!(
            e.message,
            "A Workspace role holds Workspace permissions only; these are not: cluster:ReadCluster."
        ),
        other => panic!("expected a validation error, got {other:?}"),
    }
    let created = scope
        .create_role(role(&[
            "workspace:ReadWorkspace",
            "workspace:ManageWorkspace",
        ]))
        .await
        .unwrap();
    assert_eq!(created.resource_type, Some(ResourceType::Workspace));
    // It is offered on workspaces, and grants what it holds.
    let page = scope.get_resource(ws).await.unwrap();
    assert!(page.roles.iter().any(|r| r.name == "workspace-deployer"));
    grant(&ctx, &scope, ws, "user:m@example.com", "workspace-deployer").await;
    assert_eq!(
        paths(
            &scope,
            "user:m@example.com",
            ws,
            "workspace:ManageWorkspace"
        )
        .await,
        ["direct grant -> Workspace Deployer"]
    );
    // Not a tenant role: it cannot be given to a user or listed as assignable.
    assert!(matches!(
        scope.change_user_role(member, created.id).await,
        Err(DomainError::NotFound(_))
    ));
    assert!(
        !scope
            .assignable_roles()
            .await
            .unwrap()
            .iter()
            .any(|r| r.name == "workspace-deployer")
    );
    // While granted it stays; built-in resource roles are fixed.
    assert!(matches!(
        scope.delete_role(created.id).await,
        Err(DomainError::Conflict(m)) if m.contains("1 collaborator grant(s)")
    ));
    assert!(matches!(
        scope
            .update_role(
                ctx.role_id("workspace-viewer").await,
                domain::dto::RoleChanges {
                    display_name: "Viewer".into(),
                    description: "x".into(),
                    permissions: vec!["workspace:ReadWorkspace".into()],
                },
            )
            .await,
        Err(DomainError::Conflict(m)) if m.starts_with("Built-in resource roles are fixed.")
    ));
    let listed = scope.list_roles().await.unwrap();
    let deployer = listed
        .iter()
        .find(|r| r.name == "workspace-deployer")
        .unwrap();
    assert_eq!(deployer.grant_count, 1);
    assert!(
        listed.first().unwrap().resource_type.is_none(),
        "tenant roles first"
    );
});

db_test!(
    collaborators_are_listed_a_page_at_a_time_with_their_names,
    |ctx: TestCtx| async move {
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        let prod = create(&scope, ResourceType::Cluster, "prod", None).await;
        let ws = create(&scope, ResourceType::Workspace, "ml-prod", Some(prod)).await;
        scope
            .create_team(NewTeam {
                name: "ml-engineers".into(),
                description: "ML".into(),
                role_id: None,
            })
            .await
            .unwrap();
        grant(&ctx, &scope, ws, "user:m@example.com", "workspace-viewer").await;
        grant(&ctx, &scope, ws, "team:ml-engineers", "workspace-editor").await;
        let list = |limit, offset| {
            scope.list_collaborators(
                ResourceType::Workspace,
                ws,
                CollaboratorQuery {
                    limit: Some(limit),
                    offset: Some(offset),
                },
            )
        };

        // The creator's Workspace Admin grant comes first, then the two made here.
        let all = list(10, 0).await.unwrap();
        assert_eq!(all.total, 3);
        let subjects: Vec<String> = all.items.iter().map(|c| c.subject.clone()).collect();
        assert_eq!(
            subjects,
            [
                "user:admin@example.com",
                "user:m@example.com",
                "team:ml-engineers"
            ]
        );
        assert_eq!(all.items[2].role.name, "workspace-editor");
        assert_eq!(
            all.items[2].granted_by.as_deref(),
            Some("admin@example.com")
        );
        // The console's page shows the same rows.
        assert_eq!(
            scope.get_resource(ws).await.unwrap().collaborators.items,
            all.items
        );

        let second = list(2, 2).await.unwrap();
        assert_eq!((second.total, second.items.len()), (3, 1));
        assert_eq!(second.items[0].subject, "team:ml-engineers");

        assert!(matches!(
            list(0, 0).await,
            Err(DomainError::Validation(ref e)) if e.field == "limit"
        ));
        // Named with another type, the workspace is not found.
        assert!(matches!(
            scope
                .list_collaborators(ResourceType::Cluster, ws, CollaboratorQuery::default())
                .await,
            Err(DomainError::NotFound(_))
        ));
    }
);

db_test!(
    list_workspaces_lists_and_reads_every_workspace,
    |ctx: TestCtx| async move {
        // Seed 001: workspace:ListWorkspaces "allows listing and viewing all workspaces".
        let (admin, _member) = ctx.admin_and_member().await;
        let scope = ctx.services.scope(&admin);
        scope
            .create_role(domain::dto::NewRole {
                resource_type: None,
                name: "workspace-lister".into(),
                display_name: "Workspace lister".into(),
                description: "Sees every workspace".into(),
                permissions: vec!["workspace:ListWorkspaces".into()],
            })
            .await
            .unwrap();
        let tenant = ctx.default_tenant().await;
        let lister = ctx
            .add_user_with_role(
                tenant.id,
                "lister@example.com",
                "workspace-lister",
                UserStatus::Active,
            )
            .await;
        let cluster = create(&scope, ResourceType::Cluster, "prod", None).await;
        let serving = create(&scope, ResourceType::Workspace, "serving", Some(cluster)).await;
        create(&scope, ResourceType::Workspace, "training", Some(cluster)).await;

        let lister = ctx.actor(lister).await;
        let theirs = ctx.services.scope(&lister);
        let listed = theirs.list_resources(None).await.unwrap();
        let names: Vec<_> = listed.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["serving", "training"],
            "workspaces, not the cluster"
        );
        let page = theirs.get_resource(serving).await.unwrap();
        assert!(!page.can_manage, "listing is not managing");
        assert!(matches!(
            theirs.get_resource(cluster).await,
            Err(DomainError::Forbidden(_))
        ));
    }
);
