//! Server-side glue between HTTP and the domain: resolving the actor of a request, the
//! session lifecycle, and the one mapping from `DomainError` to `AppError`.

mod actor;
mod errors;
mod session;

pub use actor::{ClientAddress, CurrentActor, SessionPolicy, resolve_actor};
pub use errors::status_of;
pub use session::{end_session, local_redirect_target, mark_authenticated, start_session};

use crate::error::AppError;
use axum::Extension;
use domain::{Actor, AuthMethod, Scope, Services};
use tower_sessions::Session;

/// The signed-in user of a console page, loaded by the page guard before the page renders and
/// kept in the request's extensions for the console shell.
#[derive(Debug, Clone)]
pub struct SignedInUser(pub domain::dto::CurrentUser);

/// Everything a server function needs from its request.
pub struct RequestContext {
    pub services: Services,
    pub actor: Actor,
    pub session: Session,
    pub client_address: String,
}

impl RequestContext {
    /// Pulls the services, session, actor and client address out of the current request.
    pub async fn extract() -> Result<Self, AppError> {
        let (Extension(services), session, CurrentActor(actor), ClientAddress(client_address)) =
            leptos_axum::extract::<(Extension<Services>, Session, CurrentActor, ClientAddress)>()
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "could not resolve the request context");
                    AppError::Internal
                })?;
        // The console is for people in a browser: a token (personal or a virtual account's) is
        // for /api/svc/v1, and a console function never acts on one.
        let by_token = match &actor {
            Actor::VirtualAccount(_) => true,
            Actor::User(user) => !matches!(user.auth, AuthMethod::Session { .. }),
            Actor::Anonymous => false,
        };
        if by_token {
            let refusal = AppError::Unauthenticated(
                "Console functions take a browser session. With a token, use the REST API under /api/svc/v1.".into(),
            );
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(status_of(&refusal));
            }
            return Err(refusal);
        }
        Ok(RequestContext {
            services,
            actor,
            session,
            client_address,
        })
    }

    /// The checked way into the services for this request's actor.
    pub fn scope(&self) -> Scope<'_> {
        self.services.scope(&self.actor)
    }
}
