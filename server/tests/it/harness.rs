use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, Response, StatusCode, header};
use domain::{BootstrapOutcome, Services, ServicesConfig};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use serde_json::{Value, json};
use server::config::Config;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceExt;

pub const ORIGIN: &str = "http://127.0.0.1:3000";
pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The services behind the router, for arranging what a test needs (a user's token).
    pub services: Services,
    pub setup_token: String,
}

pub fn config() -> Config {
    Config {
        database_url: "sqlite::memory:".into(),
        database_max_connections: 10,
        addr: "127.0.0.1:3000".parse().expect("addr"),
        public_url: None,
        secret: Some("router-test-secret-router-test-secret-01".into()),
        secret_file: None,
        session_idle_minutes: 120,
        session_absolute_hours: 12,
        smtp_url: None,
        smtp_from: None,
        site_root: "target/site".into(),
        sso_allow_private_issuers: false,
        log_format: "pretty".into(),
    }
}

impl TestApp {
    /// A fresh database, bootstrapped, with no user yet.
    pub async fn new() -> TestApp {
        TestApp::with_config(config()).await
    }

    /// As `new`, served with the given configuration.
    pub async fn with_config(config: Config) -> TestApp {
        TestApp::with_services(config, ServicesConfig::default()).await
    }

    /// As `new`, served with the given configuration and services configuration.
    pub async fn with_services(config: Config, services_config: ServicesConfig) -> TestApp {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let db = Database::connect(options).await.expect("connect");
        Migrator::up(&db, None).await.expect("migrate");
        let services = Services::open(db.clone(), config.secret.clone(), services_config)
            .await
            .expect("services");
        let BootstrapOutcome::SetupRequired { setup_token } = services
            .system_scope()
            .bootstrap()
            .await
            .expect("bootstrap")
        else {
            panic!("fresh database needs setup");
        };
        let router = server::router::build(services.clone(), &config);
        TestApp {
            router,
            db,
            services,
            setup_token,
        }
    }

    /// A fresh database with the first Admin created through the setup link.
    pub async fn with_admin() -> TestApp {
        TestApp::new().await.with_first_admin().await
    }

    /// Creates the first Admin through the setup link.
    pub async fn with_first_admin(self) -> TestApp {
        let response = self
            .complete_setup(
                &self.setup_token,
                ADMIN_EMAIL,
                ADMIN_PASSWORD,
                ADMIN_PASSWORD,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "setup");
        self
    }

    /// Sends a request through the router; a request that hangs fails the test instead.
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        tokio::time::timeout(
            Duration::from_secs(30),
            self.router.clone().oneshot(request),
        )
        .await
        .expect("the request finished within 30 s")
        .expect("infallible")
    }

    /// POSTs a form to a server function the way the hydrated console does.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        address: &str,
    ) -> Response<Body> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut builder = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ORIGIN, ORIGIN)
            .header(header::HOST, "127.0.0.1:3000");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        let mut request = builder.body(Body::from(body)).expect("request");
        let address: SocketAddr = format!("{address}:50000").parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(address));
        self.send(request).await
    }

    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> Response<Body> {
        self.post_form(
            "/rpc/auth/sign-in",
            &[("email", email), ("password", password), ("next", "")],
            cookie,
            "10.1.1.1",
        )
        .await
    }

    pub async fn complete_setup(
        &self,
        token: &str,
        email: &str,
        password: &str,
        confirm: &str,
    ) -> Response<Body> {
        self.post_form(
            "/rpc/auth/complete-setup",
            &[
                ("token", token),
                ("email", email),
                ("display_name", "Ada Admin"),
                ("password", password),
                ("password_confirm", confirm),
            ],
            None,
            "10.1.1.1",
        )
        .await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        let mut builder = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        self.send(builder.body(Body::empty()).expect("request"))
            .await
    }
}

/// The full `Set-Cookie` header for the session cookie, if the response sets one.
pub fn session_set_cookie(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("latchkey_session="))
        .map(str::to_string)
}

/// `name=value` of the session cookie a response sets, to send back in `Cookie`.
pub fn session_cookie(response: &Response<Body>) -> Option<String> {
    session_set_cookie(response).map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// The whole body as text. A streamed page that stops before its end fails the test with what
/// had arrived, which names the boundary that never resolved.
pub async fn body_text(response: Response<Body>) -> String {
    use http_body_util::BodyExt;
    let mut body = response.into_body();
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(frame)) => {
                if let Ok(data) = frame.expect("body frame").into_data() {
                    received.extend_from_slice(&data);
                }
            }
            Ok(None) => break,
            Err(_) => panic!(
                "the body did not finish within 30 s; it stopped after:\n{}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

pub fn location(response: &Response<Body>) -> Option<String> {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A JSON API call, with a bearer token when given.
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Response<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ACCEPT, "application/json");
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    };
    app.send(request.expect("request")).await
}

/// A JSON POST to the API with a browser session cookie instead of a token.
pub async fn call_with_cookie(
    app: &TestApp,
    path: &str,
    cookie: &str,
    body: Value,
) -> Response<Body> {
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(request).await
}

/// The status and JSON body of an API call with a token; the test fails when the answer is
/// not JSON (every answer of the API, errors included, is).
pub async fn answer(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let response = call(app, method, path, Some(token), body).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "{method} {path}: {status} answered {content_type}"
    );
    (status, json_of(response).await)
}

/// An id from an answer: the API writes every id as a string of digits (TrueFoundry's SDK
/// requires it), so a number here fails the test.
pub fn id_of(value: &Value) -> i64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("an id is a JSON string, not {value}"))
        .parse()
        .unwrap_or_else(|_| panic!("an id is digits, not {value}"))
}

/// The body as JSON (the test fails on anything else).
pub async fn json_of(response: Response<Body>) -> Value {
    let text = body_text(response).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A token for the admin, made through the API with the admin's session cookie.
pub async fn admin_token(app: &TestApp, name: &str) -> String {
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let response = call_with_cookie(
        app,
        "/api/svc/v1/personal-access-tokens",
        &cookie,
        json!({ "name": name }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = json_of(response).await;
    created["token"].as_str().expect("token").to_string()
}
