use crate::harness::{TestCtx, db_test};
use domain::SESSION_USER_KEY;
use domain::entities::session;
use sea_orm::EntityTrait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

fn record(user: Option<i64>, expires_in: time::Duration) -> Record {
    let mut data = std::collections::HashMap::new();
    if let Some(user) = user {
        data.insert(SESSION_USER_KEY.to_string(), serde_json::json!(user));
    }
    data.insert("note".to_string(), serde_json::json!("hello"));
    Record {
        id: Id::default(),
        data,
        expiry_date: time::OffsetDateTime::now_utc() + expires_in,
    }
}

db_test!(
    store_round_trips_and_records_the_user,
    |ctx: TestCtx| async move {
        let admin = ctx.with_admin().await;
        let store = ctx.services.session_store();
        let mut rec = record(Some(admin.0), time::Duration::hours(1));
        store.create(&mut rec).await.unwrap();
        let loaded = store.load(&rec.id).await.unwrap().expect("loaded");
        assert_eq!(loaded.data, rec.data);
        // The table holds a keyed hash of the id, never the id a cookie carries.
        assert!(
            session::Entity::find_by_id(rec.id.to_string())
                .one(&ctx.db)
                .await
                .unwrap()
                .is_none()
        );
        let rows = session::Entity::find().all(&ctx.db).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].user_id, Some(admin.0));
        assert!(!rows[0].id.contains(&rec.id.to_string()));

        rec.data.insert("note".into(), serde_json::json!("changed"));
        store.save(&rec).await.unwrap();
        assert_eq!(
            store.load(&rec.id).await.unwrap().unwrap().data["note"],
            "changed"
        );

        store.delete(&rec.id).await.unwrap();
        assert!(store.load(&rec.id).await.unwrap().is_none());
    }
);

db_test!(expired_sessions_do_not_load, |ctx: TestCtx| async move {
    ctx.bootstrap().await;
    let store = ctx.services.session_store();
    let mut rec = record(None, time::Duration::seconds(-5));
    store.create(&mut rec).await.unwrap();
    assert!(store.load(&rec.id).await.unwrap().is_none());
    assert_eq!(store.delete_expired().await.unwrap(), 1);
});

db_test!(ending_a_users_sessions, |ctx: TestCtx| async move {
    let admin = ctx.with_admin().await;
    let store = ctx.services.session_store();
    let mut a = record(Some(admin.0), time::Duration::hours(1));
    let mut b = record(Some(admin.0), time::Duration::hours(1));
    let mut other = record(None, time::Duration::hours(1));
    for r in [&mut a, &mut b, &mut other] {
        store.create(r).await.unwrap();
    }
    assert_eq!(store.end_sessions_of(admin).await.unwrap(), 2);
    assert!(store.load(&a.id).await.unwrap().is_none());
    assert!(store.load(&other.id).await.unwrap().is_some());
});

db_test!(
    a_session_ended_during_a_request_is_not_written_back,
    |ctx: TestCtx| async move {
        let admin = ctx.with_admin().await;
        let store = ctx.services.session_store();
        let mut rec = record(Some(admin.0), time::Duration::hours(1));
        store.create(&mut rec).await.unwrap();
        // A request loaded the session; meanwhile the user was signed out everywhere.
        let in_flight = store.load(&rec.id).await.unwrap().unwrap();
        store.end_sessions_of(admin).await.unwrap();
        // The request ends and saves what it loaded: the session stays ended.
        store.save(&in_flight).await.unwrap();
        assert!(store.load(&rec.id).await.unwrap().is_none());
        assert_eq!(session::Entity::find().all(&ctx.db).await.unwrap().len(), 0);
    }
);
