//! Extractors for API handlers: the caller (`Caller`), and JSON bodies and query strings whose
//! rejections are API errors (400 with the reason) rather than axum's plain-text ones.

use crate::api::ApiError;
use app::ssr::CurrentActor;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
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

    /// The console's public URL without a trailing slash.
    pub fn public_url(&self) -> &str {
        self.services.public_url()
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

/// A query string; a malformed one is a 400 that says what was wrong. A key may repeat for a
/// list field (`Vec<String>`): TrueFoundry's SDK sends lists that way.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(raw).map(ApiQuery).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("Failed to deserialize query string: {e}"),
            )
        })
    }
}

/// Path parameters; one that does not parse (`/roles/role-abc`) is a 400 in the API's JSON
/// shape, saying which part of the path was wrong.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(path_rejection(&rejection)),
        }
    }
}

fn path_rejection(rejection: &PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    let not_a_number = |key: &str, value: &str| {
        ApiError::invalid(
            key,
            format!(
                "The {key} in the path must be a number, not \"{value}\". List first to find the correct ID."
            ),
        )
    };
    if let PathRejection::FailedToDeserializePathParams(failed) = rejection {
        match failed.kind() {
            ErrorKind::ParseErrorAtKey { key, value, .. } => return not_a_number(key, value),
            ErrorKind::ParseError { value, .. } => return not_a_number("id", value),
            _ => {}
        }
    }
    ApiError::invalid("path", rejection.body_text())
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
