//! The REST API at `/api/svc/v1`, for scripts and agents. Every handler resolves the actor
//! (a bearer token, or the console's session cookie) and calls the same `Scope` operations as
//! the console: there is no second implementation of any rule here, only JSON shapes.

mod dates;
mod error;
mod extract;
mod identity_providers;
mod ids;
mod manifests;
mod openapi;
mod resources;
mod roles;
mod session;
mod shapes;
mod teams;
mod tokens;
mod users;
mod virtual_accounts;

pub use error::ApiError;
pub use openapi::document as openapi_document;

use crate::router::AppState;
use axum::Router;
use axum::routing::{delete, get, patch, post, put};

/// The API's routes, relative to `/api/svc/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::openapi_json))
        .route("/docs", get(openapi::reference_page))
        .route("/roles", get(roles::list).post(roles::create))
        .route("/roles/{id}", delete(roles::delete))
        .route(
            "/teams",
            get(teams::list)
                .post(teams::create)
                .put(teams::create_or_update),
        )
        .route("/teams/user", get(teams::list_for_user))
        .route("/teams/{id}", get(teams::get).delete(teams::delete))
        .route(
            "/teams/{id}/members",
            get(teams::list_members).post(teams::add_member),
        )
        .route(
            "/teams/{id}/members/{subject}",
            delete(teams::remove_member).patch(teams::change_member_role),
        )
        .route("/teams/{id}/managers", get(teams::list_managers))
        .route("/teams/{id}/permissions", get(teams::permissions))
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
        .route("/users/invite", post(users::invite_user))
        .route("/users/change-password", post(users::change_password))
        .route("/users/roles", patch(users::change_roles))
        .route("/users/deactivate", patch(users::deactivate))
        .route("/users/activate", patch(users::activate))
        .route("/users/{id}", get(users::get).delete(users::delete))
        .route("/x/users/info", get(session::info))
        .route("/x/users/{id}/teams", get(session::teams))
        .route("/x/users/{id}/resources", get(session::resources))
        .route("/x/users/{id}/permissions", get(session::permissions))
        .route(
            "/personal-access-tokens",
            get(tokens::list).post(tokens::create),
        )
        .route(
            "/personal-access-tokens/for-user",
            post(tokens::create_for_user),
        )
        .route(
            "/personal-access-tokens/revoke/all",
            delete(tokens::revoke_all),
        )
        .route("/personal-access-tokens/{id}", delete(tokens::revoke))
        .route(
            "/virtual-accounts",
            get(virtual_accounts::list)
                .post(virtual_accounts::create)
                .put(virtual_accounts::create_or_update),
        )
        .route("/virtual-accounts/exists", get(virtual_accounts::exists))
        .route(
            "/virtual-accounts/{id}",
            get(virtual_accounts::get)
                .put(virtual_accounts::update)
                .delete(virtual_accounts::delete),
        )
        .route("/virtual-accounts/{id}/token", get(virtual_accounts::token))
        .route(
            "/virtual-accounts/{id}/regenerate-token",
            post(virtual_accounts::regenerate_token),
        )
        .route(
            "/virtual-accounts/{id}/sync-to-secret-store",
            post(virtual_accounts::sync_to_secret_store),
        )
        .route(
            "/virtual-accounts/{id}/jwt/{jwt_id}",
            delete(virtual_accounts::delete_jwt),
        )
        .route("/apply", put(manifests::apply))
        .route("/delete", post(manifests::delete))
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
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::unknown_endpoint)
}
