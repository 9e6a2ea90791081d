//! Security headers on every response, pages, server functions, the REST API, redirects and
//! static files alike.
//!
//! The Content-Security-Policy allows what the server-rendered console needs and no more:
//! its own scripts, styles, wasm and server calls. Leptos puts inline `<script>`s in every
//! page (the hydration bootstrap that imports `/pkg/latchkey.js`, and the chunks a streamed
//! page resolves its data with), each with a nonce it draws per response; a page's policy
//! names that nonce (`page_policy`, set from the page's render context), so browsers run
//! those scripts and no other inline script. `'unsafe-inline'` beside it is only for
//! browsers older than CSP 2, which ignore nonces; newer ones ignore it when a nonce is
//! given. Responses that are not rendered pages (the REST API, server functions, redirects,
//! static files, the 404 page) get `CONTENT_SECURITY_POLICY`, which has no nonce and so
//! allows inline scripts for the 404 page's hydration. The browser compiles
//! `/pkg/latchkey.wasm`, hence `'wasm-unsafe-eval'` (wasm only, not JavaScript `eval`).
//! Single sign-on leaves the site by links and redirects, never by a form's redirect (which
//! `form-action 'self'` would block): the Profile's link form answers with a page that moves
//! on by refresh (`sso::continue_to`). Responses that can carry a token or a one-time link (the REST
//! API, server functions, setup, set-password and single sign-on) are never stored.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; \
font-src 'self'; \
connect-src 'self'; \
object-src 'none'; \
frame-ancestors 'none'; \
base-uri 'self'; \
form-action 'self'";

/// The policy of a rendered page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    CONTENT_SECURITY_POLICY.replacen(
        "script-src 'self' 'unsafe-inline'",
        &format!("script-src 'self' 'nonce-{nonce}' 'unsafe-inline'"),
        1,
    )
}

/// Runs in each page's render context (`leptos_routes_with_context`), after Leptos has drawn
/// the nonce it puts on the page's inline scripts: the page's policy names it.
pub fn provide_page_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// Sent only when the public URL is https: browsers then refuse plain http for a year.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// What to add to responses.
#[derive(Debug, Clone, Copy)]
pub struct HeaderPolicy {
    /// The public URL is https (LATCHKEY_PUBLIC_URL).
    pub https: bool,
}

/// Paths whose answers can carry a token, a one-time link or a signed-in user's data:
/// the REST API, server functions (`/rpc/...`), setup, set-password and single sign-on.
pub fn is_never_stored(path: &str) -> bool {
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    under("/api") || under("/rpc") || under("/auth") || under("/setup") || under("/set-password")
}

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    request: Request,
    next: Next,
) -> Response {
    let never_stored = is_never_stored(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A rendered page comes with its own policy, naming its nonce.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        );
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    if policy.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            STRICT_TRANSPORT_SECURITY,
        );
    }
    if never_stored {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

#[cfg(test)]
mod tests {
    use super::{CONTENT_SECURITY_POLICY, is_never_stored, page_policy};

    #[test]
    fn a_page_policy_names_its_nonce() {
        let policy = page_policy("abc123");
        assert!(
            policy.contains("script-src 'self' 'nonce-abc123' 'unsafe-inline' 'wasm-unsafe-eval';"),
            "{policy}"
        );
        assert_eq!(
            policy.replace(" 'nonce-abc123'", ""),
            CONTENT_SECURITY_POLICY
        );
    }

    #[test]
    fn token_carrying_paths_are_never_stored() {
        for path in [
            "/api/svc/v1/users",
            "/rpc/auth/sign-in",
            "/auth/sso/okta/callback",
            "/setup",
            "/set-password",
        ] {
            assert!(is_never_stored(path), "{path}");
        }
        for path in [
            "/login",
            "/access/users",
            "/pkg/latchkey.wasm",
            "/apis",
            "/setups",
        ] {
            assert!(!is_never_stored(path), "{path}");
        }
    }
}
