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
    /// The request never reached the function (network down, bad arguments, ...).
    #[error("The request failed: {0}")]
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
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::BAD_REQUEST);
        }
        AppError::Transport(value.to_string())
    }
}
