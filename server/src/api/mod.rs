//! The REST API at `/api/svc/v1`, for scripts and agents. Every handler resolves the actor
//! (a bearer token, or the console's session cookie) and calls the same `Scope` operations as
//! the console: there is no second implementation of any rule here, only JSON shapes.

mod error;
mod extract;
mod shapes;
mod tokens;
mod users;

pub use error::ApiError;

use crate::router::AppState;
use axum::Router;
use axum::routing::{delete, get};

/// The API's routes, relative to `/api/svc/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users::list))
        .route(
            "/personal-access-tokens",
            get(tokens::list).post(tokens::create),
        )
        .route(
            "/personal-access-tokens/revoke/all",
            delete(tokens::revoke_all),
        )
        .route("/personal-access-tokens/{id}", delete(tokens::revoke))
        .fallback(error::unknown_endpoint)
}
