use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, location, session_cookie};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::entities::session;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_pages_send_anonymous_visitors_to_login() {
    let app = TestApp::with_admin().await;
    let response = app.get("/access/users?q=ada", None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response).as_deref(),
        Some("/login?next=%2Faccess%2Fusers%3Fq%3Dada")
    );
    let root = app.get("/", None).await;
    assert_eq!(location(&root).as_deref(), Some("/login?next=%2F"));
    let resource = app.get("/resources/7", None).await;
    assert_eq!(
        location(&resource).as_deref(),
        Some("/login?next=%2Fresources%2F7")
    );
    // Only whole path segments count: /resourcesful is not a console page.
    assert_ne!(
        app.get("/resourcesful", None).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/login", None).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_visitors_of_login_go_to_the_console() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let response = app.get("/login", Some(&cookie)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = TestApp::with_admin().await;
    let sessions_before = session::Entity::find().count(&app.db).await.unwrap();
    let request = Request::post("/rpc/auth/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://evil.example")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::from(
            "email=admin%40example.com&password=correct+horse+battery&next=",
        ))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&response).is_none());
    let body = crate::harness::body_text(response).await;
    assert!(body.contains("Cross-site request refused"), "{body}");
    assert_eq!(
        session::Entity::find().count(&app.db).await.unwrap(),
        sessions_before,
        "no session was created"
    );

    // A browser that marks the request cross-site without an Origin is refused too.
    let request = Request::post("/rpc/auth/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            "email=admin%40example.com&password=correct+horse+battery&next=",
        ))
        .unwrap();
    assert_eq!(app.send(request).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_refuse_anonymous_callers() {
    let app = TestApp::with_admin().await;
    let response = app
        .post_form(
            "/rpc/users/list",
            &[("query[search]", "ada")],
            None,
            "10.1.1.1",
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = crate::harness::body_text(response).await;
    assert!(body.contains("Sign in to continue."), "{body}");
    let response = app
        .post_form("/rpc/auth/current-user", &[], None, "10.1.1.1")
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Arguments that do not parse are the caller's fault.
    let response = app
        .post_form(
            "/rpc/auth/sign-in",
            &[("email", "x@example.com")],
            None,
            "10.1.1.1",
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
