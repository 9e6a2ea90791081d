use crate::error::AppError;
use axum::http::StatusCode;
use domain::DomainError;

/// The one mapping from domain errors to what a server function returns. It also sets the
/// HTTP status of the response, and logs server faults (whose details never leave the server).
impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        let app_error = match error {
            DomainError::NotFound(what) => AppError::NotFound(format!("{what} not found.")),
            DomainError::Forbidden(message) => AppError::Forbidden(message),
            e @ DomainError::SignInRefused(_) => AppError::Forbidden(e.to_string()),
            DomainError::Conflict(message) => AppError::Conflict(message),
            DomainError::Validation(err) => AppError::Validation {
                field: err.field,
                message: err.message,
            },
            e @ (DomainError::Unauthenticated
            | DomainError::InvalidCredentials
            | DomainError::AccountDeactivated) => AppError::Unauthenticated(e.to_string()),
            e @ DomainError::RateLimited { .. } => AppError::RateLimited(e.to_string()),
            e @ DomainError::ReauthenticationRequired => {
                AppError::ReauthenticationRequired(e.to_string())
            }
            DomainError::Db(e) => {
                tracing::error!(error = %e, "database error");
                AppError::Internal
            }
            DomainError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                AppError::Internal
            }
        };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status_of(&app_error));
        }
        app_error
    }
}

/// The HTTP status for an error, shared by every transport that answers with `AppError`.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) | AppError::ReauthenticationRequired(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        AppError::Transport(_) => StatusCode::BAD_REQUEST,
    }
}
