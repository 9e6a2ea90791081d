//! The REST API at `/api/svc/v1`, for scripts and agents. Every handler resolves the actor
//! (a bearer token, or the console's session cookie) and calls the same `Scope` operations as
//! the console: there is no second implementation of any rule here, only JSON shapes.

mod error;
mod extract;
mod identity_providers;
mod openapi;
mod resources;
mod roles;
mod shapes;
mod teams;
mod tokens;
mod users;
mod virtual_accounts;

pub use error::ApiError;
pub use openapi::document as openapi_document;

use crate::router::AppState;
use axum::Router;
use axum::routing::{delete, get, patch, post};

/// The API's routes, relative to `/api/svc/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::reference_page))
        .route("/roles", get(roles::list).post(roles::create))
        .route("/roles/{id}", delete(roles::delete))
        .route("/teams", get(teams::list).post(teams::create))
        .route("/teams/{id}", get(teams::get).delete(teams::delete))
        .route("/teams/{id}/members", post(teams::add_member))
        .route(
            "/teams/{id}/members/{subject}",
            delete(teams::remove_member),
        )
        .route(
            "/collaborators",
            get(resources::list_collaborators)
                .post(resources::add_collaborator)
                .delete(resources::remove_collaborator),
        )
        .route("/resources", get(resources::list).post(resources::create))
        .route(
            "/resources/{id}",
            get(resources::get).delete(resources::delete),
        )
        .route("/access/check", get(resources::check))
        .route("/users", get(users::list))
        .route("/users/register", post(users::register))
        .route("/users/roles", patch(users::change_roles))
        .route("/users/deactivate", patch(users::deactivate))
        .route("/users/activate", patch(users::activate))
        .route("/users/{id}", delete(users::delete))
        .route(
            "/personal-access-tokens",
            get(tokens::list).post(tokens::create),
        )
        .route(
            "/personal-access-tokens/revoke/all",
            delete(tokens::revoke_all),
        )
        .route("/personal-access-tokens/{id}", delete(tokens::revoke))
        .route(
            "/virtual-accounts",
            get(virtual_accounts::list).post(virtual_accounts::create),
        )
        .route(
            "/virtual-accounts/{id}",
            get(virtual_accounts::get).delete(virtual_accounts::delete),
        )
        .route("/virtual-accounts/{id}/token", get(virtual_accounts::token))
        .route(
            "/virtual-accounts/{id}/regenerate-token",
            post(virtual_accounts::regenerate_token),
        )
        .route(
            "/identity-providers",
            get(identity_providers::list).post(identity_providers::create),
        )
        .route(
            "/identity-providers/{id}",
            get(identity_providers::get)
                .patch(identity_providers::update)
                .delete(identity_providers::delete),
        )
        .fallback(error::unknown_endpoint)
}
