//! Router tests: real HTTP requests through the whole axum application in process, on a
//! migrated SQLite database in memory.

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
