//! Single sign-on routes: `/auth/sso/{slug}/start` sends the browser to the provider, and
//! `/auth/sso/{slug}/callback` is where the provider sends it back. The sign-in in flight
//! (state, nonce, PKCE verifier) waits in the browser's session, which the SameSite=Lax cookie
//! carries across the provider's top-level redirect back. Failures end on the login page with
//! a word naming the reason (`?sso_error=expired`), never with what the provider sent.

use app::ssr::{local_redirect_target, start_session};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use domain::dto::SsoFailure;
use domain::{DomainError, PendingSso, Services, SsoCallback};
use serde::Deserialize;
use tower_sessions::Session;

/// The session key of the sign-in in flight.
const PENDING_KEY: &str = "sso_pending";

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/auth/sso/{slug}/start", get(start))
        .route("/auth/sso/{slug}/callback", get(callback))
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
    let (url, pending) = match services.auth().begin_sso(&slug, query.next).await {
        Ok(started) => started,
        Err(e) => return to_login(failure_of(e)),
    };
    if let Err(e) = session.insert(PENDING_KEY, &pending).await {
        tracing::error!(error = %e, "could not keep the single sign-on in the session");
        return to_login(SsoFailure::Internal);
    }
    Redirect::to(&url).into_response()
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
    match services.auth().finish_sso(&slug, pending, answer).await {
        Ok(signed_in) => {
            if start_session(&session, signed_in.user_id).await.is_err() {
                return to_login(SsoFailure::Internal);
            }
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

fn to_login(failure: SsoFailure) -> Response {
    Redirect::to(&format!("/login?sso_error={}", failure.key())).into_response()
}
