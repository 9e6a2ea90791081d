use crate::harness::{TestCtx, db_test};
use domain::DomainError;
use domain::dto::{UserQuery, UserStatus};
use domain::permissions::BuiltinRole;

fn query(search: Option<&str>, limit: Option<u64>, offset: Option<u64>) -> UserQuery {
    UserQuery {
        search: search.map(str::to_string),
        limit,
        offset,
        ..UserQuery::default()
    }
}

db_test!(lists_search_and_pages, |ctx: TestCtx| async move {
    let admin = ctx.with_admin().await;
    let tenant = ctx.default_tenant().await;
    for i in 0..30 {
        ctx.add_user(
            tenant.id,
            &format!("member{i:02}@example.com"),
            BuiltinRole::Member,
            UserStatus::Active,
        )
        .await;
    }
    ctx.add_user(
        tenant.id,
        "grace_hopper@navy.example",
        BuiltinRole::Member,
        UserStatus::Deactivated,
    )
    .await;
    let actor = ctx.actor(admin).await;
    let scope = ctx.services.scope(&actor);

    let first = scope.list_users(UserQuery::default()).await.unwrap();
    assert_eq!(first.total, 32);
    assert_eq!(first.items.len(), 25);
    assert_eq!(
        first.items[0].email, "admin@example.com",
        "ordered by email"
    );
    assert_eq!(first.items[0].role_name, "tenant-admin");
    assert_eq!(first.items[0].role_display_name, "Admin");

    let last = scope
        .list_users(query(None, Some(25), Some(25)))
        .await
        .unwrap();
    assert_eq!(last.items.len(), 7);
    assert_eq!(last.offset, 25);

    // Case-insensitive match on email or name.
    let found = scope
        .list_users(query(Some("MEMBER0"), None, None))
        .await
        .unwrap();
    assert_eq!(found.total, 10);
    let by_name = scope
        .list_users(query(Some("ada adm"), None, None))
        .await
        .unwrap();
    assert_eq!(
        by_name
            .items
            .iter()
            .map(|u| u.email.as_str())
            .collect::<Vec<_>>(),
        ["admin@example.com"]
    );
    let deactivated = scope
        .list_users(query(Some("grace"), None, None))
        .await
        .unwrap();
    assert_eq!(deactivated.items[0].status, UserStatus::Deactivated);

    // LIKE wildcards are literal characters.
    assert_eq!(
        scope
            .list_users(query(Some("%"), None, None))
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        scope
            .list_users(query(Some("_hopper"), None, None))
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        scope
            .list_users(query(Some("nobody-here"), None, None))
            .await
            .unwrap()
            .total,
        0
    );
});

db_test!(bad_paging_is_refused, |ctx: TestCtx| async move {
    let admin = ctx.with_admin().await;
    let actor = ctx.actor(admin).await;
    let scope = ctx.services.scope(&actor);
    for (q, field) in [
        (query(None, Some(0), None), "limit"),
        (query(None, Some(201), None), "limit"),
        (query(Some(&"x".repeat(255)), None, None), "search"),
    ] {
        match scope.list_users(q).await {
            Err(DomainError::Validation(err)) => assert_eq!(err.field, field),
            other => panic!("expected validation error on {field}, got {other:?}"),
        }
    }
});

db_test!(never_shows_another_tenant, |ctx: TestCtx| async move {
    let admin = ctx.with_admin().await;
    let other = ctx.other_tenant().await;
    let outsider = ctx
        .add_user(
            other,
            "outsider@example.com",
            BuiltinRole::Admin,
            UserStatus::Active,
        )
        .await;

    let actor = ctx.actor(admin).await;
    let page = ctx
        .services
        .scope(&actor)
        .list_users(UserQuery::default())
        .await
        .unwrap();
    assert!(page.items.iter().all(|u| u.email != "outsider@example.com"));
    assert_eq!(page.total, 1);

    let outsider_actor = ctx.actor(outsider).await;
    let theirs = ctx
        .services
        .scope(&outsider_actor)
        .list_users(UserQuery::default())
        .await
        .unwrap();
    assert_eq!(
        theirs
            .items
            .iter()
            .map(|u| u.email.as_str())
            .collect::<Vec<_>>(),
        ["outsider@example.com"]
    );
});

db_test!(filters_and_sorting, |ctx: TestCtx| async move {
    use domain::dto::{RoleManagedBy, UserSort};
    let admin = ctx.with_admin().await;
    let tenant = ctx.default_tenant().await;
    ctx.add_user(
        tenant.id,
        "zoe@example.com",
        BuiltinRole::Member,
        UserStatus::Active,
    )
    .await;
    ctx.add_user(
        tenant.id,
        "yann@example.com",
        BuiltinRole::Member,
        UserStatus::Deactivated,
    )
    .await;
    ctx.add_user(
        tenant.id,
        "xia@example.com",
        BuiltinRole::TeamManager,
        UserStatus::Active,
    )
    .await;
    let actor = ctx.actor(admin).await;
    let scope = ctx.services.scope(&actor);
    let emails = |page: domain::dto::Page<domain::dto::UserRow>| -> Vec<String> {
        page.items.into_iter().map(|u| u.email).collect()
    };

    let members = scope
        .list_users(UserQuery {
            role: Some("tenant-member".into()),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(members.total, 2);
    assert_eq!(emails(members), ["yann@example.com", "zoe@example.com"]);

    let active_members = scope
        .list_users(UserQuery {
            role: Some("tenant-member".into()),
            status: Some(UserStatus::Active),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(emails(active_members), ["zoe@example.com"]);

    let nobody = scope
        .list_users(UserQuery {
            role: Some("no-such-role".into()),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(nobody.total, 0);

    // By name: the add_user helper names people after their address in capitals.
    let by_name = scope
        .list_users(UserQuery {
            sort: Some(UserSort::Name),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(
        emails(by_name),
        [
            "admin@example.com",
            "xia@example.com",
            "yann@example.com",
            "zoe@example.com"
        ]
    );

    // Last sign-in: the admin signed in through setup; the others never did and come last.
    let by_login = scope
        .list_users(UserQuery {
            sort: Some(UserSort::LastSignIn),
            ..UserQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(by_login.items[0].email, "admin@example.com");
    assert_eq!(by_login.items[0].role_managed_by, RoleManagedBy::Initial);
});
