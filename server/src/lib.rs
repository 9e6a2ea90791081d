//! The `latchkey` binary: configuration, command line, and the axum application that serves
//! the console (Leptos pages and server functions), health checks and static assets.

// Release builds keep every view's full type (debug builds under cargo-leptos erase them);
// rendering the console's nested pages needs more than the default query depth.
#![recursion_limit = "512"]

pub mod api;
pub mod assets;
pub mod bench;
pub mod cli;
pub mod config;
pub mod guards;
pub mod headers;
pub mod html;
pub mod mailer;
pub mod oidc;
pub mod outbound;
pub mod router;
pub mod sso;
pub mod telemetry;
