//! Router tests: real HTTP requests through the whole axum application in process, on a
//! migrated SQLite database in memory.

mod harness;

mod auth_flow;
mod guards;
mod health;
mod setup_link;
