//! Single sign-on through the whole router against a programmable issuer on 127.0.0.1 whose
//! signing keys the test holds: the good path, then every defect an ID token or a callback
//! can have (wrong issuer, wrong audience, bad signature, expired, wrong nonce, replayed or
//! missing state, unverified email, refused code, denied consent, an issuer that is down).
//! Each must be refused with its reason in the log, and no log line may hold a secret.
//! The issuer lives on loopback, so these tests allow private issuers
//! (LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS); others check what happens without that, at
//! link-local addresses, and with answers too large to read.

use crate::harness::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, admin_token, body_text, call, config, json_of, location,
    session_cookie,
};
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use domain::ServicesConfig;
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AdditionalClaims, Audience, EndUserEmail, EndUserName, IdToken, IdTokenClaims, IssuerUrl,
    JsonWebKeyId, LocalizedClaim, Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use server::config::Config;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const CLIENT_ID: &str = "latchkey-test";
const CLIENT_SECRET: &str = "mock-client-secret-do-not-log";
const ACCESS_TOKEN: &str = "mock-access-token-do-not-log";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Groups {
    groups: Vec<String>,
}
impl AdditionalClaims for Groups {}

type TestIdToken =
    IdToken<Groups, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

/// What the next ID token says, and how the token endpoint behaves.
#[derive(Debug, Clone)]
struct Plan {
    subject: String,
    email: String,
    email_verified: bool,
    groups: Vec<String>,
    /// Overrides the issuer claim (default: the issuer's own URL).
    issuer: Option<String>,
    audience: String,
    /// Seconds from now; negative: already expired.
    expires_in: i64,
    /// The nonce to put in the token; the test sets the one the sign-in sent.
    nonce: String,
    /// Sign with the forger's key (same key id) instead of the issuer's.
    forged: bool,
    /// The token endpoint answers this OAuth error instead of tokens.
    token_error: Option<&'static str>,
}

impl Plan {
    fn person(subject: &str, email: &str, groups: &[&str]) -> Plan {
        Plan {
            subject: subject.into(),
            email: email.into(),
            email_verified: true,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            issuer: None,
            audience: CLIENT_ID.into(),
            expires_in: 300,
            nonce: String::new(),
            forged: false,
            token_error: None,
        }
    }
}

/// What the issuer saw, for the test to check.
#[derive(Debug, Default)]
struct Seen {
    /// code_challenge of each authorization request, by the code the test will send back.
    challenges: HashMap<String, String>,
    /// Codes redeemed, with the verifier each came with.
    redeemed: Vec<(String, String)>,
    /// Every value the issuer handed out or received that must never reach a log.
    secrets: Vec<String>,
}

struct IssuerState {
    url: String,
    key: CoreRsaPrivateSigningKey,
    forger: CoreRsaPrivateSigningKey,
    plan: Mutex<Plan>,
    seen: Mutex<Seen>,
    /// Requests for the discovery document.
    discoveries: AtomicUsize,
}

/// The programmable issuer: discovery, JWKS and a token endpoint on 127.0.0.1. It lives as
/// long as the test's runtime.
struct Issuer {
    state: Arc<IssuerState>,
}

impl Issuer {
    async fn start() -> Issuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let kid = Some(JsonWebKeyId::new("k1".into()));
        let key = CoreRsaPrivateSigningKey::from_pem(
            include_str!("fixtures/issuer-key.pem"),
            kid.clone(),
        )
        .unwrap();
        let forger =
            CoreRsaPrivateSigningKey::from_pem(include_str!("fixtures/forger-key.pem"), kid)
                .unwrap();
        let state = Arc::new(IssuerState {
            url,
            key,
            forger,
            plan: Mutex::new(Plan::person("nobody", "nobody@example.com", &[])),
            seen: Mutex::new(Seen::default()),
            discoveries: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/token", post(token))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Issuer { state }
    }

    fn url(&self) -> &str {
        &self.state.url
    }

    fn plan(&self, plan: Plan) {
        *self.state.plan.lock().unwrap() = plan;
    }
}

async fn discovery(State(state): State<Arc<IssuerState>>) -> Json<serde_json::Value> {
    state.discoveries.fetch_add(1, Ordering::SeqCst);
    let url = &state.url;
    Json(json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/authorize"),
        "token_endpoint": format!("{url}/token"),
        "jwks_uri": format!("{url}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "groups"],
        "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(state): State<Arc<IssuerState>>) -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![
        state.key.as_verification_key(),
    ]))
}

fn oauth_error(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

/// The token endpoint: checks the client's credentials and PKCE, then answers the plan.
async fn token(
    State(state): State<Arc<IssuerState>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(&expected)
    {
        return oauth_error("invalid_client");
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    {
        let mut seen = state.seen.lock().unwrap();
        if seen.challenges.get(&code) != Some(&challenge)
            || form.get("grant_type").map(String::as_str) != Some("authorization_code")
        {
            return oauth_error("invalid_grant");
        }
        seen.redeemed.push((code.clone(), verifier.clone()));
        seen.secrets.push(verifier);
    }
    let plan = state.plan.lock().unwrap().clone();
    if let Some(error) = plan.token_error {
        return oauth_error(error);
    }
    let now = chrono::Utc::now();
    let issuer = plan.issuer.clone().unwrap_or_else(|| state.url.clone());
    let mut name = LocalizedClaim::new();
    name.insert(None, EndUserName::new(format!("User {}", plan.subject)));
    let claims = IdTokenClaims::new(
        IssuerUrl::new(issuer).unwrap(),
        vec![Audience::new(plan.audience.clone())],
        now + chrono::Duration::seconds(plan.expires_in),
        now + chrono::Duration::seconds(plan.expires_in.min(0)) - chrono::Duration::seconds(5),
        StandardClaims::new(SubjectIdentifier::new(plan.subject.clone()))
            .set_email(Some(EndUserEmail::new(plan.email.clone())))
            .set_email_verified(Some(plan.email_verified))
            .set_name(Some(name)),
        Groups {
            groups: plan.groups.clone(),
        },
    )
    .set_nonce(Some(Nonce::new(plan.nonce.clone())));
    let key = if plan.forged {
        &state.forger
    } else {
        &state.key
    };
    let id_token = TestIdToken::new(
        claims,
        key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .unwrap()
    .to_string();
    state.seen.lock().unwrap().secrets.push(id_token.clone());
    Json(json!({
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

/// Everything this test binary logs from the first call of `captured_log` on. Process-wide:
/// a thread-local subscriber misses events whose callsites another test's thread registered
/// first (tracing caches each callsite's interest).
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

fn captured_log() -> LogBuffer {
    static LOG: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let log = LogBuffer::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a global subscriber");
        log
    })
    .clone()
}

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A sign-in started at the router: the browser's cookie and what the provider was sent.
struct Started {
    cookie: String,
    state: String,
    nonce: String,
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).unwrap();
    parsed
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

struct Fixture {
    app: TestApp,
    issuer: Issuer,
    log: LogBuffer,
    codes: u32,
}

impl Fixture {
    /// The issuer is on 127.0.0.1, so private issuers are allowed.
    async fn new(log: LogBuffer) -> Fixture {
        Fixture::with_private_issuers(log, true).await
    }

    async fn with_private_issuers(log: LogBuffer, allowed: bool) -> Fixture {
        let issuer = Issuer::start().await;
        let config = Config {
            sso_allow_private_issuers: allowed,
            ..config()
        };
        let oidc = server::oidc::OpenIdConnect::new(config.sso_allow_private_issuers).unwrap();
        let app = TestApp::with_services(
            config,
            ServicesConfig {
                oidc: Some(Arc::new(oidc)),
                ..ServicesConfig::default()
            },
        )
        .await
        .with_first_admin()
        .await;
        let token = admin_token(&app, "sso-setup").await;
        let created = call(
            &app,
            "POST",
            "/api/svc/v1/teams",
            Some(&token),
            Some(json!({ "name": "platform", "description": "Platform engineers" })),
        )
        .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let created = call(
            &app,
            "POST",
            "/api/svc/v1/identity-providers",
            Some(&token),
            Some(json!({
                "slug": "mock",
                "preset": "generic",
                "displayName": "Mock IdP",
                "issuerUrl": issuer.url(),
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "scopes": ["openid", "email", "profile", "groups"],
                "groupsClaim": "groups",
                "roleMappings": [{ "group": "admins", "role": "tenant-admin" }],
                "teamMappings": [{ "group": "platform-eng", "team": "platform" }],
            })),
        )
        .await;
        let status = created.status();
        assert_eq!(status, StatusCode::CREATED, "{}", body_text(created).await);
        Fixture {
            app,
            issuer,
            log,
            codes: 0,
        }
    }

    /// GET /auth/sso/mock/start as a new browser; the redirect goes to the issuer with a
    /// PKCE challenge, which the issuer will hold the next code to.
    async fn start(&mut self) -> (Started, String) {
        self.start_with_next("%2Faccess%2Fteams").await
    }

    /// As `start`, with `next` (as written in the query) for after the sign-in.
    async fn start_with_next(&mut self, next: &str) -> (Started, String) {
        let response = self
            .app
            .get(&format!("/auth/sso/mock/start?next={next}"), None)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let to = location(&response).unwrap();
        assert!(
            to.starts_with(&format!("{}/authorize?", self.issuer.url())),
            "{to}"
        );
        assert_eq!(
            query_param(&to, "code_challenge_method").as_deref(),
            Some("S256")
        );
        assert_eq!(query_param(&to, "client_id").as_deref(), Some(CLIENT_ID));
        assert_eq!(
            query_param(&to, "redirect_uri").as_deref(),
            Some("http://127.0.0.1:3000/auth/sso/mock/callback")
        );
        let scopes = query_param(&to, "scope").unwrap();
        assert!(scopes.split(' ').any(|s| s == "groups"), "{scopes}");
        let started = Started {
            cookie: session_cookie(&response).expect("the sign-in waits in a session"),
            state: query_param(&to, "state").unwrap(),
            nonce: query_param(&to, "nonce").unwrap(),
        };
        self.codes += 1;
        let code = format!("code-{}-{}", self.codes, started.state.len());
        let mut seen = self.issuer.state.seen.lock().unwrap();
        seen.challenges
            .insert(code.clone(), query_param(&to, "code_challenge").unwrap());
        seen.secrets
            .extend([started.state.clone(), started.nonce.clone(), code.clone()]);
        (started, code)
    }

    async fn callback(&self, query: &str, cookie: Option<&str>) -> Response {
        self.app
            .get(&format!("/auth/sso/mock/callback?{query}"), cookie)
            .await
    }

    /// Starts a sign-in and answers it with `plan` (its nonce filled in unless set).
    async fn sign_in(&mut self, mut plan: Plan) -> Response {
        let (started, code) = self.start().await;
        if plan.nonce.is_empty() {
            plan.nonce = started.nonce.clone();
        }
        self.issuer.plan(plan);
        self.callback(
            &format!("code={code}&state={}", started.state),
            Some(&started.cookie),
        )
        .await
    }
}

/// The user with `email`, as `GET /users` shows them (`null` when there is none).
async fn user(app: &TestApp, token: &str, email: &str) -> serde_json::Value {
    let found = json_of(
        call(
            app,
            "GET",
            &format!("/api/svc/v1/users?query={email}"),
            Some(token),
            None,
        )
        .await,
    )
    .await;
    found["data"][0].clone()
}

fn refused_with(response: &Response, reason: &str) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(response).as_deref(),
        Some(format!("/login?sso_error={reason}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_accepts_a_good_token_and_refuses_every_defect() {
    let mut fx = Fixture::new(captured_log()).await;

    // The good path: a new user arrives just in time, joins the mapped team, and lands where
    // they were going with a session.
    let response = fx
        .sign_in(Plan::person(
            "sub-ann",
            "ann@example.com",
            &["platform-eng"],
        ))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response).as_deref(), Some("/access/teams"));
    let cookie = session_cookie(&response).expect("signed in");
    let me = fx
        .app
        .post_form("/rpc/auth/current-user", &[], Some(&cookie), "10.1.1.1")
        .await;
    let me_text = body_text(me).await;
    assert!(me_text.contains("ann@example.com"), "{me_text}");
    let token = admin_token(&fx.app, "sso-check").await;
    let ann = user(&fx.app, &token, "ann@example.com").await;
    assert_eq!(ann["roles"], json!(["tenant-member"]));
    assert_eq!(ann["teams"], json!(["platform"]));
    assert_eq!(ann["metadata"]["tenantRoleManagedBy"], "group");

    // A member of the admin group becomes Admin.
    let response = fx
        .sign_in(Plan::person("sub-root", "root@example.com", &["admins"]))
        .await;
    assert_eq!(location(&response).as_deref(), Some("/access/teams"));
    assert_eq!(
        user(&fx.app, &token, "root@example.com").await["roles"],
        json!(["tenant-admin"])
    );

    // The same callback again finds no sign-in in flight: a code and state serve once.
    let (started, code) = fx.start().await;
    let mut plan = Plan::person("sub-ann", "ann@example.com", &[]);
    plan.nonce = started.nonce.clone();
    fx.issuer.plan(plan);
    let query = format!("code={code}&state={}", started.state);
    let first = fx.callback(&query, Some(&started.cookie)).await;
    assert_eq!(location(&first).as_deref(), Some("/access/teams"));
    refused_with(
        &fx.callback(&query, Some(&started.cookie)).await,
        "no-sign-in-started",
    );
    // A callback from a browser that started nothing.
    refused_with(&fx.callback(&query, None).await, "no-sign-in-started");

    // State missing or not this browser's; consent denied at the provider.
    let (started, code) = fx.start().await;
    refused_with(
        &fx.callback(&format!("code={code}"), Some(&started.cookie))
            .await,
        "state-mismatch",
    );
    let (started, code) = fx.start().await;
    refused_with(
        &fx.callback(
            &format!("code={code}&state=forged-state"),
            Some(&started.cookie),
        )
        .await,
        "state-mismatch",
    );
    // The browser stays anonymous.
    let anonymous = fx
        .app
        .post_form(
            "/rpc/auth/current-user",
            &[],
            Some(&started.cookie),
            "10.1.1.1",
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let (started, _) = fx.start().await;
    refused_with(
        &fx.callback(
            &format!("error=access_denied&state={}", started.state),
            Some(&started.cookie),
        )
        .await,
        "cancelled",
    );

    // Tokens that fail a check.
    let person = || Plan::person("sub-eve", "eve@example.com", &["admins"]);
    let mut wrong_issuer = person();
    wrong_issuer.issuer = Some("http://127.0.0.1:9/someone-else".into());
    refused_with(&fx.sign_in(wrong_issuer).await, "token-rejected");
    let mut wrong_audience = person();
    wrong_audience.audience = "another-client".into();
    refused_with(&fx.sign_in(wrong_audience).await, "token-rejected");
    let mut forged = person();
    forged.forged = true;
    refused_with(&fx.sign_in(forged).await, "token-rejected");
    let mut expired = person();
    expired.expires_in = -600;
    refused_with(&fx.sign_in(expired).await, "token-rejected");
    let mut wrong_nonce = person();
    wrong_nonce.nonce = "a-nonce-from-another-sign-in".into();
    refused_with(&fx.sign_in(wrong_nonce).await, "token-rejected");
    let mut refused_code = person();
    refused_code.token_error = Some("invalid_grant");
    refused_with(&fx.sign_in(refused_code).await, "token-rejected");
    let mut unverified = person();
    unverified.email_verified = false;
    refused_with(&fx.sign_in(unverified).await, "email-not-verified");
    // None of these created eve.
    assert_eq!(
        user(&fx.app, &token, "eve@example.com").await,
        serde_json::Value::Null
    );

    // Every redeemed code came with the verifier of its own challenge.
    assert!(fx.issuer.state.seen.lock().unwrap().redeemed.len() >= 9);

    // The log names each reason, and never a secret.
    let text = fx.log.text();
    for reason in [
        "Invalid issuer",
        "Invalid audiences",
        "Signature verification failed",
        "Expired",
        "nonce mismatch",
        "invalid_grant",
        "email not verified",
        "state does not match",
        "callback without state",
        "no sign-in in flight",
        "access_denied",
        "user created at first single sign-on",
    ] {
        assert!(text.contains(reason), "the log lacks {reason:?}:\n{text}");
    }
    let mut secrets = fx.issuer.state.seen.lock().unwrap().secrets.clone();
    secrets.extend([CLIENT_SECRET.to_string(), ACCESS_TOKEN.to_string()]);
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the log holds a secret: {secret}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issuer_that_is_down_or_unknown_ends_on_the_login_page() {
    let fx = Fixture::new(captured_log()).await;
    let token = admin_token(&fx.app, "sso-down").await;
    // A provider whose issuer nobody answers at.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let created = call(
        &fx.app,
        "POST",
        "/api/svc/v1/identity-providers",
        Some(&token),
        Some(json!({
            "slug": "down",
            "preset": "keycloak",
            "displayName": "Down",
            "issuerUrl": dead,
            "clientId": "x",
            "clientSecret": "y",
        })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let response = fx.app.get("/auth/sso/down/start", None).await;
    refused_with(&response, "provider-unreachable");
    let response = fx.app.get("/auth/sso/no-such-provider/start", None).await;
    refused_with(&response, "unknown-provider");

    // The login page says why, and offers both providers.
    let page = body_text(
        fx.app
            .get("/login?sso_error=provider-unreachable", None)
            .await,
    )
    .await;
    assert!(
        page.contains("could not reach your identity provider"),
        "{page}"
    );
    let options = fx
        .app
        .post_form("/rpc/auth/sign-in-options", &[], None, "10.1.1.1")
        .await;
    let options = body_text(options).await;
    assert!(
        options.contains("Mock IdP") && options.contains("Down"),
        "{options}"
    );
}

/// "Test connection" for `issuer_url` as the admin; the reason when it failed.
async fn connection_failure(app: &TestApp, issuer_url: &str) -> Option<String> {
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let response = app
        .post_form(
            "/rpc/identity-providers/test",
            &[("issuer_url", issuer_url)],
            Some(&cookie),
            "10.1.1.1",
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let tested = json_of(response).await;
    tested["Failed"]["reason"].as_str().map(str::to_string)
}

/// Adds an enabled provider `slug` at `issuer_url`.
async fn add_provider(app: &TestApp, slug: &str, issuer_url: &str) {
    let token = admin_token(app, &format!("add-{slug}")).await;
    let created = call(
        app,
        "POST",
        "/api/svc/v1/identity-providers",
        Some(&token),
        Some(json!({
            "slug": slug,
            "preset": "generic",
            "displayName": slug,
            "issuerUrl": issuer_url,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
        })),
    )
    .await;
    let status = created.status();
    assert_eq!(status, StatusCode::CREATED, "{}", body_text(created).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_flag_a_loopback_issuer_is_refused_before_any_request() {
    let log = captured_log();
    let fx = Fixture::with_private_issuers(log.clone(), false).await;
    let port = fx.issuer.url().rsplit(':').next().unwrap().to_string();

    // Test connection: an address written as an IP (which reqwest connects to without
    // resolving), and a name that resolves to loopback.
    for issuer_url in [
        fx.issuer.url().to_string(),
        format!("http://localhost:{port}"),
        format!("http://[::1]:{port}"),
    ] {
        let reason = connection_failure(&fx.app, &issuer_url)
            .await
            .unwrap_or_else(|| panic!("{issuer_url} was reached"));
        assert!(
            reason.contains("loopback address")
                && reason.contains("LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS=true"),
            "{issuer_url}: {reason}"
        );
    }

    // Sign-in ends on the login page, and the log says why.
    let response = fx.app.get("/auth/sso/mock/start", None).await;
    refused_with(&response, "provider-unreachable");
    let expected = format!(
        "discovery at {}: refused: 127.0.0.1 is a loopback address",
        fx.issuer.url()
    );
    let text = log.text();
    assert!(
        text.contains(&expected),
        "the log lacks {expected:?}:\n{text}"
    );

    // Nothing reached the issuer.
    assert_eq!(fx.issuer.state.discoveries.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_local_issuers_are_refused_even_with_the_flag() {
    let log = captured_log();
    let fx = Fixture::new(log.clone()).await;
    for issuer_url in [
        "https://169.254.169.254",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:169.254.169.254]",
        "https://[fe80::1]",
    ] {
        let reason = connection_failure(&fx.app, issuer_url)
            .await
            .unwrap_or_else(|| panic!("{issuer_url} was reached"));
        assert!(
            reason.contains("refused") && reason.contains("link-local address"),
            "{issuer_url}: {reason}"
        );
    }
    add_provider(&fx.app, "metadata", "https://169.254.169.254").await;
    let response = fx.app.get("/auth/sso/metadata/start", None).await;
    refused_with(&response, "provider-unreachable");
    let expected =
        "discovery at https://169.254.169.254: refused: 169.254.169.254 is a link-local address";
    let text = log.text();
    assert!(
        text.contains(expected),
        "the log lacks {expected:?}:\n{text}"
    );
}

/// Written into every oversized or failing answer: it must never reach a reason or a log.
const BODY_MARKER: &str = "BODY-MARKER-must-not-be-echoed";

/// A server on 127.0.0.1 answering each connection's request by its path: `/big/...` a
/// 2 MiB JSON body with its length, `/streamed/...` 2 MiB in chunks without a length,
/// anything else a 500 with a short body.
async fn oversized_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&request).into_owned();
                let path = request.split(' ').nth(1).unwrap_or_default().to_string();
                let chunk = format!("{{\"x\":\"{}\"}}", BODY_MARKER.repeat(64 * 1024 / 32));
                let result = if path.starts_with("/big/") {
                    let body = chunk.repeat(32);
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    socket.write_all(head.as_bytes()).await.ok();
                    socket.write_all(body.as_bytes()).await
                } else if path.starts_with("/streamed/") {
                    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                    socket.write_all(head.as_bytes()).await.ok();
                    let mut result = Ok(());
                    for _ in 0..32 {
                        let framed = format!("{:x}\r\n{chunk}\r\n", chunk.len());
                        result = socket.write_all(framed.as_bytes()).await;
                        if result.is_err() {
                            break;
                        }
                    }
                    socket.write_all(b"0\r\n\r\n").await.ok();
                    result
                } else {
                    let body = format!("{{\"error\":\"{BODY_MARKER}\"}}");
                    let head = format!(
                        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    socket.write_all(head.as_bytes()).await.ok();
                    socket.write_all(body.as_bytes()).await
                };
                let _ = result;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_larger_than_the_cap_are_refused_and_bodies_never_echoed() {
    let log = captured_log();
    let fx = Fixture::new(log.clone()).await;
    let server = oversized_server().await;
    for kind in ["big", "streamed"] {
        let issuer_url = format!("{server}/{kind}");
        let reason = connection_failure(&fx.app, &issuer_url)
            .await
            .unwrap_or_else(|| panic!("{issuer_url} was read"));
        assert!(
            reason.contains("the answer is larger than 1 MiB"),
            "{issuer_url}: {reason}"
        );
        assert!(!reason.contains(BODY_MARKER), "{reason}");
    }
    let issuer_url = format!("{server}/failing");
    let reason = connection_failure(&fx.app, &issuer_url).await.unwrap();
    assert!(reason.contains("HTTP status code 500"), "{reason}");
    assert!(!reason.contains(BODY_MARKER), "{reason}");

    add_provider(&fx.app, "big", &format!("{server}/big")).await;
    let response = fx.app.get("/auth/sso/big/start", None).await;
    refused_with(&response, "provider-unreachable");
    let text = log.text();
    assert!(
        text.contains("the answer is larger than 1 MiB"),
        "the log lacks the reason:\n{text}"
    );
    assert!(!text.contains(BODY_MARKER), "the log holds a response body");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_single_sign_on_never_send_the_browser_off_site() {
    let mut fx = Fixture::new(captured_log()).await;
    // As the query writes them: a tab (`/<TAB>/evil.example`, `//evil.example` to a browser),
    // the text `/%09/evil.example` itself, an encoded backslash, dot segments, a scheme.
    let off_site = [
        ("%2F%09%2Fevil.example", "/\t/evil.example"),
        ("%2F%2509%2Fevil.example", "/%09/evil.example"),
        ("%2F%255Cevil.example", "/%5Cevil.example"),
        ("%2F.%2F%2Fevil.example", "/.//evil.example"),
        ("%2F%2Fevil.example", "//evil.example"),
        ("https%3Aevil.example", "https:evil.example"),
    ];
    for (query, next) in off_site {
        let (started, code) = fx.start_with_next(query).await;
        let mut plan = Plan::person("sub-redirect", "redirect@example.com", &[]);
        plan.nonce = started.nonce.clone();
        fx.issuer.plan(plan);
        let response = fx
            .callback(
                &format!("code={code}&state={}", started.state),
                Some(&started.cookie),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(
            location(&response).as_deref(),
            Some("/"),
            "single sign-on with next={next:?}"
        );
        assert!(session_cookie(&response).is_some(), "signed in");

        let response = fx
            .app
            .post_form(
                "/rpc/auth/sign-in",
                &[
                    ("email", ADMIN_EMAIL),
                    ("password", ADMIN_PASSWORD),
                    ("next", next),
                ],
                None,
                "10.1.1.2",
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{next:?}");
        assert_eq!(
            location(&response).as_deref(),
            Some("/"),
            "password sign-in with next={next:?}"
        );
    }
    // A local `next` is still followed.
    let (started, code) = fx.start_with_next("%2Fresources%3Ftype%3Dworkspace").await;
    let mut plan = Plan::person("sub-redirect", "redirect@example.com", &[]);
    plan.nonce = started.nonce.clone();
    fx.issuer.plan(plan);
    let response = fx
        .callback(
            &format!("code={code}&state={}", started.state),
            Some(&started.cookie),
        )
        .await;
    assert_eq!(
        location(&response).as_deref(),
        Some("/resources?type=workspace")
    );
}

/// Someone who already uses their account is never taken over by an email at sign-in; they
/// link the provider from their Profile, in their own session, and then sign in with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_user_links_a_provider_from_their_profile() {
    let mut fx = Fixture::new(captured_log()).await;
    // The Admin's address at the issuer: not linked by email.
    refused_with(
        &fx.sign_in(Plan::person("sub-admin", ADMIN_EMAIL, &[]))
            .await,
        "account-exists",
    );

    // Signed in with a password, the Admin links the provider.
    let signed_in = fx.app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await;
    let cookie = session_cookie(&signed_in).expect("signed in");
    let started = fx
        .app
        .post_form("/auth/sso/mock/link", &[], Some(&cookie), "10.1.1.1")
        .await;
    // A page that moves on to the provider (a form's redirect off the site would meet the
    // Content-Security-Policy's form-action).
    assert_eq!(started.status(), StatusCode::OK);
    let page = body_text(started).await;
    let to = page
        .split("content=\"0;url=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a refresh to the provider")
        .replace("&amp;", "&");
    assert!(
        page.contains(&format!("<a href=\"{}", to.replace('&', "&amp;"))),
        "{page}"
    );
    assert!(
        to.starts_with(&format!("{}/authorize?", fx.issuer.url())),
        "{to}"
    );
    let (state, nonce) = (
        query_param(&to, "state").unwrap(),
        query_param(&to, "nonce").unwrap(),
    );
    let code = "code-link-1".to_string();
    {
        let mut seen = fx.issuer.state.seen.lock().unwrap();
        seen.challenges
            .insert(code.clone(), query_param(&to, "code_challenge").unwrap());
        seen.secrets
            .extend([state.clone(), nonce.clone(), code.clone()]);
    }
    let mut plan = Plan::person("sub-admin", ADMIN_EMAIL, &[]);
    plan.nonce = nonce;
    fx.issuer.plan(plan);
    // The link comes back only to the session that started it.
    refused_with(
        &fx.callback(&format!("code={code}&state={state}"), None)
            .await,
        "no-sign-in-started",
    );
    let linked = fx
        .callback(&format!("code={code}&state={state}"), Some(&cookie))
        .await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&linked).as_deref(), Some("/profile?linked=mock"));

    // From now on the identity signs the Admin in.
    let response = fx
        .sign_in(Plan::person("sub-admin", ADMIN_EMAIL, &[]))
        .await;
    assert_eq!(location(&response).as_deref(), Some("/access/teams"));
    let cookie = session_cookie(&response).expect("signed in");
    let me = fx
        .app
        .post_form("/rpc/auth/current-user", &[], Some(&cookie), "10.1.1.1")
        .await;
    assert!(body_text(me).await.contains(ADMIN_EMAIL));

    // Anonymous visitors are sent to sign in first.
    let anonymous = fx
        .app
        .post_form("/auth/sso/mock/link", &[], None, "10.1.1.1")
        .await;
    assert_eq!(
        location(&anonymous).as_deref(),
        Some("/login?next=/profile")
    );
}
