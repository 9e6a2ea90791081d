//! Single sign-on routes: `/auth/sso/{slug}/start` sends the browser to the provider, and
//! `/auth/sso/{slug}/callback` is where the provider sends it back. The sign-in in flight
//! (state, nonce, PKCE verifier) waits in the browser's session, which the SameSite=Lax cookie
//! carries across the provider's top-level redirect back. Failures end on the login page with
//! a word naming the reason (`?sso_error=expired`), never with what the provider sent.

use app::ssr::{CurrentActor, local_redirect_target, start_session};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use domain::dto::SsoFailure;
use domain::{DomainError, PendingSso, SESSION_USER_KEY, Services, SsoCallback};
use serde::Deserialize;
use tower_sessions::Session;

/// The session key of the sign-in in flight.
const PENDING_KEY: &str = "sso_pending";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/auth/sso/{slug}/start", get(start))
        .route("/auth/sso/{slug}/callback", get(callback))
        .route("/auth/sso/{slug}/link", post(link))
}

#[derive(Debug, Deserialize)]
struct StartQuery {
    next: Option<String>,
}

async fn start(
    Extension(services): Extension<Services>,
    session: Session,
    Path(slug): Path<String>,
    Query(query): Query<StartQuery>,
) -> Response {
    // Only a local path is kept for after the sign-in (and it is checked again when used).
    let next = query
        .next
        .filter(|next| !next.is_empty())
        .map(|next| local_redirect_target(Some(&next)));
    let (url, pending) = match services.auth().begin_sso(&slug, next).await {
        Ok(started) => started,
        Err(e) => return to_login(failure_of(e)),
    };
    if let Err(e) = session.insert(PENDING_KEY, &pending).await {
        tracing::error!(error = %e, "could not keep the single sign-on in the session");
        return to_login(SsoFailure::Internal);
    }
    Redirect::to(&url).into_response()
}

/// Profile > Single sign-on > Link: a signed-in user starts linking a provider to their
/// account. A POST (the same-origin check guards it), answered with the provider's URL.
async fn link(
    Extension(services): Extension<Services>,
    CurrentActor(actor): CurrentActor,
    session: Session,
    Path(slug): Path<String>,
) -> Response {
    let (url, pending) = match services.scope(&actor).begin_identity_link(&slug).await {
        Ok(started) => started,
        Err(DomainError::Unauthenticated) => {
            return Redirect::to("/login?next=/profile").into_response();
        }
        Err(e) => return to_profile(failure_of(e)),
    };
    if let Err(e) = session.insert(PENDING_KEY, &pending).await {
        tracing::error!(error = %e, "could not keep the identity link in the session");
        return to_profile(SsoFailure::Internal);
    }
    continue_to(&url)
}

/// A page that moves on to `url` by itself. The Profile's link button is a form, and the
/// Content-Security-Policy's `form-action 'self'` also governs where a form's redirects may
/// lead: a 303 to the provider would be blocked by the browser. A refresh starts a new
/// navigation, which that directive does not cover; the link is there for whoever has
/// refreshes turned off.
fn continue_to(url: &str) -> Response {
    let url = crate::html::escaped(url);
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"refresh\" content=\"0;url={url}\">\
<title>Continue to your identity provider</title></head>\
<body><p><a href=\"{url}\">Continue to your identity provider</a></p></body></html>"
    );
    axum::response::Html(page).into_response()
}

async fn callback(
    Extension(services): Extension<Services>,
    session: Session,
    Path(slug): Path<String>,
    answer: Result<Query<SsoCallback>, QueryRejection>,
) -> Response {
    // Taken out before anything else, so a callback works once whatever happens next.
    let pending = match session.remove::<PendingSso>(PENDING_KEY).await {
        Ok(pending) => pending,
        Err(e) => {
            tracing::error!(error = %e, "could not read the single sign-on from the session");
            return to_login(SsoFailure::Internal);
        }
    };
    let Ok(Query(answer)) = answer else {
        tracing::warn!(provider = %slug, "single sign-on refused: unreadable callback query");
        return to_login(SsoFailure::ProviderError);
    };
    // A link comes back to the session of the user who started it, or not at all.
    let link_for = pending.as_ref().and_then(|p| p.link_for);
    if let Some(user) = link_for {
        let current = session.get::<i64>(SESSION_USER_KEY).await.ok().flatten();
        if current != Some(user) {
            tracing::warn!(provider = %slug, "identity link refused: the browser's session is not the user's who started it");
            return to_login(SsoFailure::NoTransaction);
        }
    }
    match services.auth().finish_sso(&slug, pending, answer).await {
        Ok(signed_in) if signed_in.linked => {
            Redirect::to(&format!("/profile?linked={slug}")).into_response()
        }
        Err(e) if link_for.is_some() => to_profile(failure_of(e)),
        Ok(signed_in) => {
            if start_session(&session, signed_in.user_id).await.is_err() {
                return to_login(SsoFailure::Internal);
            }
            // `next` came through the browser: it may only lead to a path on this site.
            Redirect::to(&local_redirect_target(signed_in.next.as_deref())).into_response()
        }
        Err(e) => to_login(failure_of(e)),
    }
}

/// The reason to show; anything but a refusal is a fault of ours, logged here.
fn failure_of(error: DomainError) -> SsoFailure {
    match error {
        DomainError::SignInRefused(failure) => failure,
        other => {
            tracing::error!(error = %other, "single sign-on failed");
            SsoFailure::Internal
        }
    }
}

fn to_profile(failure: SsoFailure) -> Response {
    Redirect::to(&format!("/profile?sso_error={}", failure.key())).into_response()
}

fn to_login(failure: SsoFailure) -> Response {
    Redirect::to(&format!("/login?sso_error={}", failure.key())).into_response()
}
