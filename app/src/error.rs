//! The error every server function returns, as it crosses the wire. Built from the domain's
//! `DomainError` in exactly one place (`ssr::errors`).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input, naming the form field it is about.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    RateLimited(String),
    /// The action hands out a credential and the session's sign-in is not recent: the page
    /// asks for the password (or a fresh single sign-on) and tries again.
    #[error("{0}")]
    ReauthenticationRequired(String),
    /// A server fault; the details are in the server log, never here.
    #[error(
        "Something went wrong on the server. Try again; if it keeps happening, check the server log."
    )]
    Internal,
    /// The request never reached the function (network down, arguments that do not parse,
    /// ...): said in words for people; the technical cause stays in the browser's console.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// The form field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server this means the request itself was unusable (arguments that do not
        // parse, for instance): a client error, not a server fault.
        #[cfg(feature = "ssr")]
        {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(axum::http::StatusCode::BAD_REQUEST);
            }
            // Only the kind of cause: a parse error can quote what was sent, a password say.
            tracing::info!(
                cause = transport_message(&value),
                "a server function's request could not be used"
            );
        }
        AppError::Transport(transport_message(&value).to_string())
    }
}

/// What a person is told when a request did not reach its function, by cause.
fn transport_message(error: &ServerFnErrorErr) -> &'static str {
    match error {
        ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
            "Could not reach the server. Check your connection and try again."
        }
        ServerFnErrorErr::Args(_)
        | ServerFnErrorErr::MissingArg(_)
        | ServerFnErrorErr::Deserialization(_)
        | ServerFnErrorErr::Serialization(_) => {
            "The server could not read what this page sent. Reload the page and try again."
        }
        _ => "The request failed. Reload the page and try again.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_errors_are_said_in_words() {
        let unreadable = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "error deserializing server function arguments: missing field `id`".into(),
        ));
        assert_eq!(
            unreadable.to_string(),
            "The server could not read what this page sent. Reload the page and try again."
        );
        assert!(!unreadable.to_string().contains("deserializ"));
    }
}
