use crate::api;
use crate::assets;
use crate::config::Config;
use crate::guards::{self, OriginPolicy};
use crate::headers::{self, HeaderPolicy};
use crate::sso;
use app::ssr::SessionPolicy;
use app::{App, shell};
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router, middleware};
use domain::Services;
use leptos::prelude::LeptosOptions;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::LazyLock;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "latchkey_session";

/// Router state: what Leptos needs to render pages and find static files.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
}

/// The whole HTTP application: pages and server functions, health checks, static assets, and
/// the layers every request passes (tracing, security headers, services, session, same-origin
/// check, page guard).
pub fn build(services: Services, config: &Config) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name(crate::assets::BUNDLE_NAME)
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
    };
    let routes = console_routes();

    let sessions = SessionManagerLayer::new(services.session_store())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            config.session_idle_minutes,
        )));
    let session_policy = SessionPolicy {
        absolute: chrono::Duration::hours(config.session_absolute_hours),
    };
    let origin_policy = OriginPolicy::new(&config.public_url());
    let header_policy = HeaderPolicy {
        https: config.public_url().scheme() == "https",
    };

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .nest("/api/svc/v1", api::routes())
        .merge(sso::routes())
        .leptos_routes_with_context(&state, routes, headers::provide_page_policy, move || {
            shell(leptos_options.clone())
        })
        .fallback(assets::fallback)
        .layer(middleware::from_fn(guards::page_guard))
        .layer(middleware::from_fn_with_state(
            origin_policy,
            guards::same_origin,
        ))
        .layer(sessions)
        .layer(Extension(session_policy))
        .layer(Extension(services))
        // Outside every other layer but tracing, so guard redirects, CSRF refusals and
        // static files carry the headers too.
        .layer(middleware::from_fn_with_state(
            header_policy,
            headers::security_headers,
        ))
        // Spans name the path, never the query: one-time links and single sign-on callbacks
        // carry tokens and codes there.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
                tracing::debug_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path()
                )
            }),
        )
        .with_state(state)
}

/// The console's routes, listed once per process. Listing them renders the app with resource
/// loading switched off by one process-wide flag (`leptos_server::SuppressResourceLoad`), so a
/// page whose data started loading meanwhile would wait forever. Made before the first router
/// exists and never again, the list is never made while a page renders, however many routers a
/// process builds (the router tests build one per test).
fn console_routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
async fn readyz(Extension(services): Extension<Services>) -> impl IntoResponse {
    match services.check_database().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
