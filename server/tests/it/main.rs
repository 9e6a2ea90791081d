//! Router tests: real HTTP requests through the whole axum application in process, on a
//! migrated SQLite database in memory.
//!
//! Every test runs on a multi-threaded runtime, as `latchkey serve` does. Tests run side by
//! side in one process, so anything process-wide in the stack is shared between them: see
//! `setup_link::pages_finish_while_other_routers_are_built` for the one that stalled pages.

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
