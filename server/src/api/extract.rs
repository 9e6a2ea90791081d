//! Extractors for API handlers: the caller (`Caller`), and JSON bodies and query strings whose
//! rejections are API errors (400 with the reason) rather than axum's plain-text ones.

use crate::api::ApiError;
use app::ssr::CurrentActor;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use domain::{Actor, Scope, Services};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Who is calling, resolved once per request: `Actor::Anonymous` for a missing or bad token,
/// which every scope operation answers with 401.
pub struct Caller {
    services: Services,
    actor: Actor,
}

impl Caller {
    pub fn scope(&self) -> Scope<'_> {
        self.services.scope(&self.actor)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = parts.extensions.get::<Services>().cloned().ok_or_else(|| {
            ApiError::from(domain::DomainError::Internal("services missing".into()))
        })?;
        let CurrentActor(actor) = CurrentActor::from_request_parts(parts, state)
            .await
            .map_err(|(status, message)| ApiError::new(status, "unavailable", message))?;
        Ok(Caller { services, actor })
    }
}

/// A JSON body; malformed JSON or a missing field is a 400 that says what was wrong.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let status = match rejection {
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, "invalid_request", rejection.body_text())
}

/// A query string; a malformed one is a 400 that says what was wrong.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        rejection.body_text(),
    )
}

/// `?limit=&offset=` of every list endpoint.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Items per page (1 to 200).
    pub limit: Option<u64>,
    /// Items to skip.
    pub offset: Option<u64>,
}
