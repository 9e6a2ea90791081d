use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, body_text, location, session_cookie};
use axum::http::StatusCode;
use domain::entities::user;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_page_states() {
    let app = TestApp::new().await;
    let open = body_text(
        app.get(&format!("/setup?token={}", app.setup_token), None)
            .await,
    )
    .await;
    assert!(open.contains("Create the first admin"), "{open}");
    let forged = body_text(app.get("/setup?token=forged", None).await).await;
    assert!(forged.contains("This setup link is not valid"));
}

/// Building a router lists the console's routes by rendering the app with resource loading
/// switched off for the whole process (Leptos's `SuppressResourceLoad`, one global flag); a
/// page whose data started loading at that moment would wait forever. The list is made once
/// per process, so routers built while pages render (as every router test does) leave them be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_routers_are_built() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = TestApp::new().await;
    // Stops the builder however the test ends: a runtime waits for its blocking tasks.
    struct Stop(Arc<AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let done = Arc::new(AtomicBool::new(false));
    let stop = Stop(Arc::clone(&done));
    let builder = {
        let done = Arc::clone(&done);
        let services = app.services.clone();
        tokio::task::spawn_blocking(move || {
            let config = crate::harness::config();
            let mut built = 0;
            while !done.load(Ordering::Relaxed) {
                drop(server::router::build(services.clone(), &config));
                built += 1;
            }
            built
        })
    };
    for _ in 0..60 {
        let response = app.get("/setup?token=forged", None).await;
        let page = tokio::time::timeout(std::time::Duration::from_secs(10), body_text(response))
            .await
            .expect("the page finished while a router was being built");
        assert!(page.contains("This setup link is not valid"), "{page}");
    }
    drop(stop);
    assert!(builder.await.unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_link_works_once() {
    let app = TestApp::new().await;
    let response = app
        .complete_setup(
            &app.setup_token,
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/access/users"));
    let cookie = session_cookie(&response).expect("the new admin is signed in");
    assert_eq!(
        app.get("/access/users", Some(&cookie)).await.status(),
        StatusCode::OK
    );

    let reused = app
        .complete_setup(
            &app.setup_token,
            "other@example.com",
            ADMIN_PASSWORD,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(reused.status(), StatusCode::CONFLICT);
    assert!(
        body_text(reused)
            .await
            .contains("Setup is already complete")
    );
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 1);

    let page = body_text(
        app.get(&format!("/setup?token={}", app.setup_token), None)
            .await,
    )
    .await;
    assert!(page.contains("Setup is complete"), "the dead link says so");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_rejects_forged_tokens_and_bad_input() {
    let app = TestApp::new().await;
    let forged = app
        .complete_setup("forged", ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PASSWORD)
        .await;
    assert_eq!(forged.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(forged).await.contains("\"field\":\"token\""));

    for (email, password, confirm, field) in [
        ("bad-email", ADMIN_PASSWORD, ADMIN_PASSWORD, "email"),
        (ADMIN_EMAIL, "short", "short", "password"),
        (
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            "different password",
            "password_confirm",
        ),
    ] {
        let response = app
            .complete_setup(&app.setup_token, email, password, confirm)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        assert!(session_cookie(&response).is_none());
        let body = body_text(response).await;
        assert!(body.contains(&format!("\"field\":\"{field}\"")), "{body}");
    }
    assert_eq!(
        user::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing written"
    );
}
