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
        let row = session::Entity::find_by_id(rec.id.to_string())
            .one(&ctx.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.user_id, Some(admin.0));

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
