//! The one mapping from `DomainError` to an HTTP answer for the REST API: a status and a JSON
//! body `{"code", "message", "field"?}`. Database and internal details are logged, never sent.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

/// Every error: a stable `code`, a sentence for people, the HTTP status again (clients such as
/// TrueFoundry's SDK read it from the body), the input field it is about, and for a refusal on
/// the access-control endpoints the precise reason behind seed 004's general sentence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// `invalid_request`, `unauthenticated`, `forbidden`, `not_found`, `conflict`, ...
    #[schema(value_type = String)]
    code: &'static str,
    message: String,
    status_code: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    /// The permission that was missing, in words (`message` is seed 004's sentence).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Seed 004's answer to a refusal on roles, teams, members and collaborators.
pub const CANNOT_MANAGE_ACCESS_CONTROL: &str = "Cannot manage access control. Check your API key permissions \u{2014} admin access may be required.";

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                status_code: status.as_u16(),
                field: None,
                reason: None,
            },
        }
    }

    /// `error` as the access-control endpoints answer it: a refusal says seed 004's sentence,
    /// with the missing permission kept in `reason`.
    pub fn access_control(error: DomainError) -> Self {
        match error {
            DomainError::Forbidden(reason) => {
                let mut refused = ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    CANNOT_MANAGE_ACCESS_CONTROL,
                );
                refused.body.reason = Some(reason);
                refused
            }
            other => ApiError::from(other),
        }
    }

    /// Bad input in `field` (400).
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut error = ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", message);
        error.body.field = Some(field.to_string());
        error
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// `error`, with the domain's field names turned into those this endpoint's callers send
    /// (`expires_at` is `expirationDate`): each pair is (domain name, API name).
    pub fn naming_fields(error: DomainError, names: &[(&str, &str)]) -> Self {
        ApiError::from(error).with_field_names(names)
    }

    /// This error with the domain's field name turned into the API's (see `naming_fields`).
    pub fn with_field_names(mut self, names: &[(&str, &str)]) -> Self {
        if let Some((_, to)) = names
            .iter()
            .find(|(from, _)| self.body.field.as_deref() == Some(*from))
        {
            self.body.field = Some((*to).to_string());
        }
        self
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::NotFound(what) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", not_found_message(&what))
            }
            DomainError::Forbidden(message) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            e @ DomainError::SignInRefused(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", e.to_string())
            }
            DomainError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            DomainError::Validation(error) => ApiError::invalid(&error.field, error.message),
            DomainError::Unauthenticated | DomainError::InvalidCredentials => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Send a valid, unrevoked token: Authorization: Bearer <token>.",
            ),
            e @ DomainError::AccountDeactivated => {
                ApiError::new(StatusCode::FORBIDDEN, "deactivated", e.to_string())
            }
            // Asked only of browser sessions; kept apart so a client can tell it from a refusal.
            e @ DomainError::ReauthenticationRequired => ApiError::new(
                StatusCode::FORBIDDEN,
                "reauthentication_required",
                e.to_string(),
            ),
            e @ DomainError::RateLimited { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", e.to_string())
            }
            DomainError::Db(e) => {
                tracing::error!(error = %e, "database error");
                internal()
            }
            DomainError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                internal()
            }
        }
    }
}

fn internal() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "The server failed to answer. Try again shortly.",
    )
}

/// Seed 004's wording for what a script most often gets wrong, with the way out.
fn not_found_message(what: &str) -> String {
    match what.to_ascii_lowercase().as_str() {
        "role" => "Role ID not found. List roles first to find the correct ID.".into(),
        "team" => "Team ID not found. List teams first to find the correct ID.".into(),
        "resource" => "Resource not found. Verify the resourceType and resourceId are correct. List the resources first to confirm.".into(),
        _ => {
            let mut message = format!("{what} not found.");
            if let Some(first) = message.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            message
        }
    }
}

impl From<domain::validation::FieldError> for ApiError {
    fn from(error: domain::validation::FieldError) -> Self {
        ApiError::invalid(&error.field, error.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// Any path under the API prefix that names no endpoint.
/// A path of the API asked with a method it does not take.
pub async fn method_not_allowed(method: axum::http::Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("This endpoint does not take {method}. The OpenAPI document lists what it takes."),
    )
}

pub async fn unknown_endpoint() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such API endpoint. The OpenAPI document lists them all.",
    )
}
