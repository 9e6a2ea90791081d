//! Security headers on every response: pages, server functions, the REST API, redirects and
//! refusals; `no-store` where a response can carry a token or a one-time link; HSTS only
//! behind an https public URL. The policy is checked against what a rendered page needs.

use crate::harness::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, admin_token, body_text, call, config, session_cookie,
};
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode, header};
use server::config::Config;
use server::headers::CONTENT_SECURITY_POLICY;

fn header_text<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The headers every response carries; `what` names the response in failures.
fn assert_secured(response: &Response<Body>, what: &str) {
    let headers = response.headers();
    let csp = header_text(headers, &header::CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "connect-src 'self'",
        "img-src 'self' data:",
    ] {
        assert!(csp.contains(directive), "{what}: {csp} lacks {directive}");
    }
    assert_eq!(
        header_text(headers, &header::X_CONTENT_TYPE_OPTIONS),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        header_text(headers, &header::X_FRAME_OPTIONS),
        Some("DENY"),
        "{what}"
    );
    assert_eq!(
        header_text(headers, &header::REFERRER_POLICY),
        Some("same-origin"),
        "{what}"
    );
}

fn cache_control(response: &Response<Body>) -> Option<&str> {
    header_text(response.headers(), &header::CACHE_CONTROL)
}

fn hsts(response: &Response<Body>) -> Option<&str> {
    header_text(response.headers(), &header::STRICT_TRANSPORT_SECURITY)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_server_functions_and_the_api_carry_the_security_headers() {
    let app = TestApp::with_admin().await;

    // A console page (signed in), the login page and a guard redirect.
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let page = app.get("/access/users", Some(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_secured(&page, "console page");
    assert_eq!(hsts(&page), None, "plain http public URL");
    let login = app.get("/login", None).await;
    assert_secured(&login, "login page");
    assert_ne!(cache_control(&login), Some("no-store"));
    let redirect = app.get("/access/users", None).await;
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    assert_secured(&redirect, "guard redirect");

    // A server function, and the sign-in one (it starts a session).
    let me = app
        .post_form("/rpc/auth/current-user", &[], Some(&cookie), "10.1.1.1")
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_secured(&me, "server function");
    assert_eq!(cache_control(&me), Some("no-store"), "server function");
    let signed_in = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await;
    assert_secured(&signed_in, "sign-in");
    assert_eq!(cache_control(&signed_in), Some("no-store"), "sign-in");

    // The REST API, answered and refused; its OpenAPI document.
    let token = admin_token(&app, "headers").await;
    let users = call(&app, "GET", "/api/svc/v1/users", Some(&token), None).await;
    assert_eq!(users.status(), StatusCode::OK);
    assert_secured(&users, "API call");
    assert_eq!(cache_control(&users), Some("no-store"), "API call");
    let refused = call(&app, "GET", "/api/svc/v1/users", None, None).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_secured(&refused, "API refusal");
    assert_eq!(cache_control(&refused), Some("no-store"), "API refusal");
    let openapi = app.get("/api/svc/v1/openapi.json", None).await;
    assert_eq!(cache_control(&openapi), Some("no-store"), "OpenAPI");

    // Pages whose URL carries a one-time token, and single sign-on.
    for path in [
        "/setup?token=not-a-token",
        "/set-password?token=not-a-token",
        "/auth/sso/nobody/start",
        "/auth/sso/nobody/callback?code=c&state=s",
    ] {
        let response = app.get(path, None).await;
        assert_secured(&response, path);
        assert_eq!(cache_control(&response), Some("no-store"), "{path}");
    }

    // A cross-site refusal and a health check.
    let forged = app
        .send(
            Request::post("/rpc/auth/sign-out")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_secured(&forged, "CSRF refusal");
    let health = app.get("/healthz", None).await;
    assert_secured(&health, "health check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_transport_security_only_behind_an_https_public_url() {
    let app = TestApp::new().await;
    for path in ["/login", "/healthz", "/api/svc/v1/users"] {
        assert_eq!(hsts(&app.get(path, None).await), None, "{path}");
    }
    let app = TestApp::with_config(Config {
        public_url: Some("https://latchkey.example.com".parse().unwrap()),
        ..config()
    })
    .await;
    for path in ["/login", "/healthz", "/api/svc/v1/users"] {
        let hsts = hsts(&app.get(path, None).await).map(str::to_string);
        assert_eq!(hsts.as_deref(), Some("max-age=31536000"), "{path}");
    }
}

/// Values of `attribute="..."` in `html`.
fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The nonce a page's policy names.
fn policy_nonce(response: &Response<Body>) -> Option<String> {
    let policy = header_text(response.headers(), &header::CONTENT_SECURITY_POLICY)?;
    let at = policy.find("'nonce-")? + "'nonce-".len();
    let rest = &policy[at..];
    Some(rest[..rest.find('\'')?].to_string())
}

/// The policy against rendered pages: every script, style sheet and preload is this site's
/// (`'self'`); every inline script (the hydration bootstrap that loads the wasm bundle, the
/// chunks a streamed page resolves its data with) carries the nonce the page's policy names,
/// so no script needs `'unsafe-inline'`; the wasm bundle needs `'wasm-unsafe-eval'`; forms
/// post to this site; nothing is loaded from elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_allows_what_a_rendered_page_needs_and_no_more() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let mut nonces = Vec::new();
    for (path, cookie) in [
        ("/login", None),
        ("/setup?token=not-a-token", None),
        ("/access/users", Some(cookie.as_str())),
        ("/access/roles", Some(cookie.as_str())),
        ("/settings/identity-providers/new", Some(cookie.as_str())),
    ] {
        let response = app.get(path, cookie).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let nonce = policy_nonce(&response).unwrap_or_else(|| panic!("{path}: no nonce"));
        assert!(nonce.len() >= 16, "{path}: {nonce}");
        let policy = header_text(response.headers(), &header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_string();
        assert_eq!(policy, server::headers::page_policy(&nonce), "{path}");
        let html = body_text(response).await;
        for attribute in ["src", "href", "action", "formaction"] {
            for value in attribute_values(&html, attribute) {
                assert!(
                    value.is_empty()
                        || (value.starts_with('/') && !value.starts_with("//"))
                        || value.starts_with('#')
                        || value.starts_with('?'),
                    "{path}: {attribute}={value:?} is not this site's"
                );
            }
        }
        assert!(
            attribute_values(&html, "href").contains(&"/pkg/latchkey.css"),
            "{path}: style sheet"
        );
        let scripts: Vec<&str> = html
            .match_indices("<script")
            .map(|(at, _)| {
                let tag = &html[at..];
                &tag[..tag.find('>').unwrap_or(tag.len())]
            })
            .collect();
        assert!(scripts.len() >= 2, "{path}: {scripts:?}");
        for tag in &scripts {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the page's nonce: {tag}"
            );
            assert!(!tag.contains(" src="), "{path}: {tag}");
        }
        // The bootstrap imports the bundle from this site and starts the wasm.
        assert!(
            html.contains("\"pkg\", \"latchkey\""),
            "{path}: no hydration bootstrap in\n{html}"
        );
        assert!(
            attribute_values(&html, "href")
                .iter()
                .any(|href| href.starts_with("/pkg/") && href.ends_with(".wasm")),
            "{path}: wasm bundle"
        );
        nonces.push(nonce);
    }
    // A fresh nonce for every page.
    let mut distinct = nonces.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), nonces.len(), "{nonces:?}");

    // Responses that are not rendered pages get the policy without a nonce.
    for path in ["/healthz", "/api/svc/v1/openapi.json", "/no-such-page"] {
        let response = app.get(path, None).await;
        assert_eq!(
            header_text(response.headers(), &header::CONTENT_SECURITY_POLICY),
            Some(CONTENT_SECURITY_POLICY),
            "{path}"
        );
    }
    let script_src = CONTENT_SECURITY_POLICY
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap();
    assert_eq!(
        script_src,
        "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"
    );
    assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-eval'"));
    assert!(!CONTENT_SECURITY_POLICY.contains('*'));
    assert!(CONTENT_SECURITY_POLICY.contains("object-src 'none'"));
}
