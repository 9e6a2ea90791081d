use crate::harness::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, body_text, location, session_cookie, session_set_cookie,
};
use axum::http::StatusCode;
use domain::entities::session;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sets_a_hardened_cookie_and_opens_the_console() {
    let app = TestApp::with_admin().await;
    let response = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Home, which sends whoever manages users on to the Users list.
    assert_eq!(location(&response).as_deref(), Some("/"));
    let set_cookie = session_set_cookie(&response).expect("session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain http public URL: {set_cookie}"
    );
    let cookie = session_cookie(&response).expect("cookie");

    let page = app.get("/access/users", Some(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = body_text(page).await;
    assert!(html.contains(ADMIN_EMAIL), "the users list shows the admin");
    assert!(html.contains("Sign out"));

    // The session record carries the user id.
    let rows = session::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.iter().any(|r| r.user_id.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_id_is_cycled_at_sign_in() {
    let app = TestApp::with_admin().await;
    let first =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("first");
    let second = session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, Some(&first)).await)
        .expect("second");
    assert_ne!(first, second, "a new id at every sign-in");
    // The old id no longer opens the console.
    let old = app.get("/access/users", Some(&first)).await;
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/access/users", Some(&second)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestApp::with_admin().await;
    let wrong = app.sign_in(ADMIN_EMAIL, "not the password", None).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&wrong).is_none());
    let wrong_body = body_text(wrong).await;
    let unknown = app
        .sign_in("nobody@example.com", ADMIN_PASSWORD, None)
        .await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_text(unknown).await, wrong_body);
    assert!(
        wrong_body.contains("The email or password is incorrect."),
        "{wrong_body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_email_is_named() {
    let app = TestApp::with_admin().await;
    let response = app.sign_in("not-an-email", ADMIN_PASSWORD, None).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = body_text(response).await;
    assert!(body.contains("\"field\":\"email\""), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_throttled() {
    let app = TestApp::with_admin().await;
    for attempt in 0..5 {
        let response = app.sign_in(ADMIN_EMAIL, "not the password", None).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let locked = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(session_cookie(&locked).is_none());
    assert!(
        body_text(locked)
            .await
            .contains("Too many attempts. Try again in")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_deletes_the_session_record() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let before = session::Entity::find().count(&app.db).await.unwrap();
    let response = app
        .post_form("/rpc/auth/sign-out", &[], Some(&cookie), "10.1.1.1")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(location(&response).as_deref(), Some("/login"));
    assert_eq!(
        session::Entity::find().count(&app.db).await.unwrap(),
        before - 1
    );
    let after = app.get("/access/users", Some(&cookie)).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_form_posts_redirect() {
    // Without JavaScript, the browser posts the form and follows a 302.
    let app = TestApp::with_admin().await;
    let body = format!(
        "email={}&password={}&next=%2Faccess%2Fusers%3Fq%3Dada",
        "admin%40example.com", "correct+horse+battery"
    );
    let request = axum::http::Request::post("/rpc/auth/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("origin", crate::harness::ORIGIN)
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response).as_deref(), Some("/access/users?q=ada"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivated_users_lose_their_session() {
    use domain::entities::user;
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let admin = user::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut active: user::ActiveModel = admin.into();
    active.status = Set("deactivated".into());
    active.update(&app.db).await.unwrap();
    assert_eq!(
        app.get("/access/users", Some(&cookie)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_is_secure_behind_https() {
    let mut config = crate::harness::config();
    config.public_url = Some("https://latchkey.example.com".parse().unwrap());
    let app = TestApp::with_config(config).await;
    let response = app
        .complete_setup(
            &app.setup_token,
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            ADMIN_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let set_cookie = session_set_cookie(&response).expect("session cookie");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
}

/// The idle expiry slides with activity: a request in a new minute saves the session, moving
/// its expiry forward (the record below was left to expire in a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_expiry_slides_with_activity() {
    use sea_orm::sea_query::Expr;
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    assert_eq!(
        app.get("/access/users", Some(&cookie)).await.status(),
        StatusCode::OK
    );
    // Every session now expires in a minute, and was last marked active in another minute.
    let soon = chrono::Utc::now() + chrono::Duration::seconds(60);
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(soon))
        .col_expr(
            session::Column::Data,
            Expr::cust("replace(data, '\"active_minute\":', '\"active_minute_was\":')"),
        )
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get("/access/users", Some(&cookie)).await.status(),
        StatusCode::OK
    );
    // The request moved this session's expiry forward by the idle time.
    let slid = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.data.contains("active_minute_was"))
        .filter(|row| row.expires_at > soon + chrono::Duration::minutes(60))
        .count();
    assert_eq!(slid, 1, "the session used slid forward");
}

/// Changing your password signs out your other sessions; the browser that changed it stays
/// signed in under a new session id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_your_password_keeps_this_browser_and_ends_the_others() {
    let app = TestApp::with_admin().await;
    let here = session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("here");
    let elsewhere =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("elsewhere");
    let changed = app
        .post_form(
            "/rpc/profile/password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("password", "a-brand-new-password"),
                ("password_confirm", "a-brand-new-password"),
            ],
            Some(&here),
            "10.1.1.1",
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let renewed = session_cookie(&changed).expect("a new session id for this browser");
    assert_ne!(renewed, here);
    assert_eq!(
        app.get("/access/users", Some(&renewed)).await.status(),
        StatusCode::OK
    );
    for ended in [&here, &elsewhere] {
        assert_eq!(
            app.get("/access/users", Some(ended)).await.status(),
            StatusCode::SEE_OTHER,
            "signed out"
        );
    }
}

/// Console functions take a browser session; a token is for /api/svc/v1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_functions_refuse_bearer_tokens() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let app = TestApp::with_admin().await;
    let token = crate::harness::admin_token(&app, "not-for-the-console").await;
    let request = Request::post("/rpc/auth/current-user")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::ACCEPT, "application/json")
        .header(header::ORIGIN, crate::harness::ORIGIN)
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(body_text(response).await.contains("/api/svc/v1"));
}

/// Moves every session's last proof of identity `minutes` into the past.
async fn age_sessions(app: &TestApp, minutes: i64) {
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let then = (chrono::Utc::now() - chrono::Duration::minutes(minutes)).timestamp();
    for row in session::Entity::find().all(&app.db).await.unwrap() {
        let mut data: serde_json::Value = serde_json::from_str(&row.data).unwrap();
        data["authenticated_at"] = then.into();
        let mut active = row.into_active_model();
        active.data = Set(data.to_string());
        active.update(&app.db).await.unwrap();
    }
}

/// A session signed in more than 15 minutes ago is asked for the password before it creates
/// a token (console and API alike); once confirmed, the same browser goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_session_confirms_the_password_before_creating_a_token() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let app = &app;
    let create = |name: &'static str| {
        let cookie = cookie.clone();
        async move {
            app.post_form(
                "/rpc/tokens/create",
                &[("token[name]", name)],
                Some(&cookie),
                "10.1.1.1",
            )
            .await
        }
    };
    assert_eq!(create("fresh-token").await.status(), StatusCode::OK);

    age_sessions(app, 16).await;
    let refused = create("late-token").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let text = body_text(refused).await;
    assert!(text.contains("ReauthenticationRequired"), "{text}");
    let api = crate::harness::call_with_cookie(
        app,
        "/api/svc/v1/personal-access-tokens",
        &cookie,
        serde_json::json!({ "name": "api-token" }),
    )
    .await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    let body = crate::harness::json_of(api).await;
    assert_eq!(body["code"], "reauthentication_required", "{body}");

    let confirm = |password: &'static str| {
        let cookie = cookie.clone();
        async move {
            app.post_form(
                "/rpc/profile/reauthenticate",
                &[("password", password)],
                Some(&cookie),
                "10.1.1.1",
            )
            .await
        }
    };
    let wrong = confirm("not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(wrong).await.contains("password"));
    assert_eq!(create("still-late").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(confirm(ADMIN_PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(create("confirmed-token").await.status(), StatusCode::OK);
}

/// "Forgot password?" is offered only when the server can mail the link; it then answers
/// every address alike, and queues mail only for an account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_is_offered_when_mail_can_carry_the_link() {
    use domain::entities::mail_outbox;
    use domain::{MailTransport, ServicesConfig};
    use std::sync::Arc;

    let app = TestApp::with_admin().await;
    let login = body_text(app.get("/login", None).await).await;
    assert!(!login.contains("/forgot-password"), "{login}");
    let page = body_text(app.get("/forgot-password", None).await).await;
    assert!(page.contains("This server sends no mail"), "{page}");
    let refused = app
        .post_form(
            "/rpc/auth/request-password-reset",
            &[("email", ADMIN_EMAIL)],
            None,
            "10.1.1.1",
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);

    // Nothing listens there: the messages stay in the outbox, where this test reads them.
    let transport: Arc<dyn MailTransport> = Arc::new(
        server::mailer::SmtpMailer::new("smtp://127.0.0.1:9", "latchkey@example.com").unwrap(),
    );
    let app = TestApp::with_services(
        crate::harness::config(),
        ServicesConfig {
            mail: Some(transport),
            ..ServicesConfig::default()
        },
    )
    .await
    .with_first_admin()
    .await;
    let login = body_text(app.get("/login", None).await).await;
    assert!(login.contains("href=\"/forgot-password\""), "{login}");
    let page = body_text(app.get("/forgot-password", None).await).await;
    assert!(page.contains("Mail me a link"), "{page}");
    let mut answers = Vec::new();
    for email in [ADMIN_EMAIL, "nobody@example.com"] {
        let answer = app
            .post_form(
                "/rpc/auth/request-password-reset",
                &[("email", email)],
                None,
                "10.1.1.1",
            )
            .await;
        answers.push((answer.status(), body_text(answer).await));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::OK);
    let queued = mail_outbox::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].recipient, ADMIN_EMAIL);
    let bad = app
        .post_form(
            "/rpc/auth/request-password-reset",
            &[("email", "not an address")],
            None,
            "10.1.1.1",
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(bad).await.contains("email"));
}

/// The invite page says how links travel: without mail they appear on the page; without an
/// identity provider there is no "signs in through single sign-on" box.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invite_page_says_how_the_links_travel() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let page = body_text(app.get("/access/users/invite", Some(&cookie)).await).await;
    assert!(page.contains("This server sends no mail"), "{page}");
    assert!(!page.contains("invite-send-password"), "{page}");
}

/// Home sends whoever manages users on to the Users list, in the server's answer (no page
/// that flashes before it moves on).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_sends_user_managers_to_the_users_list() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let response = app.get("/", Some(&cookie)).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response).as_deref(), Some("/access/users"));
}
