//! The `latchkey` binary: configuration, command line, and the axum application that serves
//! the console (Leptos pages and server functions), health checks and static assets.

pub mod assets;
pub mod cli;
pub mod config;
pub mod guards;
pub mod router;
pub mod telemetry;
