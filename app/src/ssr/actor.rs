use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use chrono::{DateTime, Utc};
use domain::ids::UserId;
use domain::{
    Actor, AuthMethod, SESSION_ACTIVE_MINUTE_KEY, SESSION_AUTHENTICATED_AT_KEY,
    SESSION_SIGNED_IN_AT_KEY, SESSION_USER_KEY, Services,
};
use std::net::SocketAddr;
use tower_sessions::Session;

/// Session lifetimes. The idle expiry is enforced by the session layer (the record's expiry
/// moves forward at most once a minute, as `resolve_actor` marks the session active); the
/// absolute one here, from the sign-in time kept in the session.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    pub absolute: chrono::Duration,
}

/// The actor of the current request, resolved once (from a bearer token when the request
/// carries one, else from the session cookie) and cached in the request's extensions.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for CurrentActor {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<CurrentActor>() {
            return Ok(cached.clone());
        }
        let actor = resolve_actor(parts, state).await.map_err(|e| {
            tracing::error!(error = %e, "could not resolve the actor");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The server could not check your sign-in. Try again shortly.",
            )
        })?;
        let resolved = CurrentActor(actor);
        parts.extensions.insert(resolved.clone());
        Ok(resolved)
    }
}

/// Checks the bearer token, or reads the session and loads the user it names. A session past its absolute lifetime, or
/// naming a deleted or deactivated user, is ended and the request is anonymous.
pub async fn resolve_actor<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Actor, domain::DomainError> {
    let internal = |what: &str| domain::DomainError::Internal(what.to_string());
    let services = parts
        .extensions
        .get::<Services>()
        .cloned()
        .ok_or_else(|| internal("services missing"))?;
    let policy = parts
        .extensions
        .get::<SessionPolicy>()
        .copied()
        .ok_or_else(|| internal("session policy missing"))?;
    if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
        // A request that presents a token is judged by it alone: a bad token never falls back
        // to a session cookie sent alongside.
        let presented = authorization
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map_or("", str::trim);
        let address = client_address(parts);
        return Ok(services
            .auth()
            .authenticate_token(presented, &address)
            .await?
            .unwrap_or(Actor::Anonymous));
    }
    let session = Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, msg)| internal(msg))?;
    let store_error = |e: tower_sessions::session::Error| {
        domain::DomainError::Internal(format!("session store: {e}"))
    };

    let Some(user_id) = session
        .get::<i64>(SESSION_USER_KEY)
        .await
        .map_err(store_error)?
    else {
        return Ok(Actor::Anonymous);
    };
    let signed_in_at = session
        .get::<i64>(SESSION_SIGNED_IN_AT_KEY)
        .await
        .map_err(store_error)?
        .unwrap_or(0);
    if Utc::now().timestamp() - signed_in_at > policy.absolute.num_seconds() {
        session.flush().await.map_err(store_error)?;
        return Ok(Actor::Anonymous);
    }
    // Sessions started before re-authentication was recorded count from their sign-in.
    let authenticated_at = session
        .get::<i64>(SESSION_AUTHENTICATED_AT_KEY)
        .await
        .map_err(store_error)?
        .unwrap_or(signed_in_at);
    let authenticated_at = DateTime::from_timestamp(authenticated_at, 0).unwrap_or_default();
    match services
        .load_actor(UserId(user_id), AuthMethod::Session { authenticated_at })
        .await?
    {
        Some(actor) if actor.is_active_user() => {
            // The idle expiry slides with activity: marking the session once a minute makes
            // the layer save it, which moves its expiry (and the cookie's) forward.
            let minute = Utc::now().timestamp() / 60;
            let seen = session
                .get::<i64>(SESSION_ACTIVE_MINUTE_KEY)
                .await
                .map_err(store_error)?;
            if seen != Some(minute) {
                session
                    .insert(SESSION_ACTIVE_MINUTE_KEY, minute)
                    .await
                    .map_err(store_error)?;
            }
            Ok(actor)
        }
        _ => {
            session.flush().await.map_err(store_error)?;
            Ok(Actor::Anonymous)
        }
    }
}

/// The client's address as the socket saw it (for sign-in throttling). Behind a reverse proxy
/// this is the proxy's address.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

fn client_address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |info| info.0.ip().to_string())
}
