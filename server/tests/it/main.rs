//! Router tests: real HTTP requests through the whole axum application in process, on a
//! migrated SQLite database in memory.
//!
//! Every test runs on a multi-threaded runtime, as `latchkey serve` does. On the single-threaded
//! runtime of a plain `#[tokio::test]`, a streamed page now and then stopped before its end
//! while other tests ran (about one suite run in five; a resource finished and its boundary was
//! never woken, inside Leptos's renderer); 3,000 page loads at 24 at a time against the server
//! itself all finished.

// Tests state their expectations with unwrap/expect: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod harness;

mod api_accounts;
mod api_identity_providers;
mod api_seed_words;
mod api_teams;
mod api_tokens;
mod api_truefoundry;
mod auth_flow;
mod config;
mod guards;
mod headers;
mod health;
mod mail;
mod setup_link;
mod sso;
