//! Request guards that sit in front of every route.

use app::ssr::{CurrentActor, SignedInUser};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Services;
use url::Url;

/// The origin browsers must send with state-changing requests.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    public_origin: String,
}

impl OriginPolicy {
    pub fn new(public_url: &Url) -> Self {
        OriginPolicy {
            public_origin: public_url.origin().ascii_serialization(),
        }
    }
}

/// Refuses cross-site state-changing requests (CSRF). A browser always sends `Origin` with a
/// POST; it must be the public URL's origin or the origin of the Host it was sent to. Requests
/// without `Origin` (scripts, curl) carry no ambient browser credentials worth forging, unless
/// the browser says outright that they are cross-site.
pub async fn same_origin(
    State(policy): State<OriginPolicy>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = match header_text(header::ORIGIN.as_str()) {
        Some(origin) => {
            origin == policy.public_origin
                || header_text(header::HOST.as_str()).is_some_and(|host| {
                    origin == format!("http://{host}") || origin == format!("https://{host}")
                })
        }
        None => header_text("sec-fetch-site") != Some("cross-site"),
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        (
            StatusCode::FORBIDDEN,
            format!(
                "Cross-site request refused: the Origin header does not match {}. Submit the form from the console itself.",
                policy.public_origin
            ),
        )
            .into_response()
    }
}

/// Console pages need a signed-in user: anonymous visitors go to /login (and come back after),
/// signed-in visitors of /login go to the console.
pub async fn page_guard(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let is_console_page = path == "/"
        || under("/access")
        || under("/resources")
        || under("/settings")
        || path == "/profile";
    let is_login = path == "/login";
    if !matches!(*request.method(), Method::GET | Method::HEAD) || !(is_console_page || is_login) {
        return next.run(request).await;
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string());
    let (mut parts, body) = request.into_parts();
    let actor = match CurrentActor::from_request_parts(&mut parts, &()).await {
        Ok(CurrentActor(actor)) => actor,
        Err(rejection) => return rejection.into_response(),
    };
    let signed_in = actor.is_active_user();
    if is_console_page && signed_in {
        // The shell renders from this value without a loading boundary of its own.
        let services = parts.extensions.get::<Services>().cloned();
        if let Some(services) = services {
            match services.scope(&actor).current_user().await {
                Ok(user) => {
                    parts.extensions.insert(SignedInUser(user));
                }
                // The shell loads it again in the browser and shows what went wrong.
                Err(e) => tracing::warn!(error = %e, "could not load the signed-in user"),
            }
        }
    }
    let request = Request::from_parts(parts, body);
    if is_login && signed_in {
        return Redirect::to("/").into_response();
    }
    if is_console_page && !signed_in {
        let next_param: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next_param}")).into_response();
    }
    next.run(request).await
}
