//! Domain tests: every test runs through the real Migrator on SQLite in memory, and again on
//! PostgreSQL (a fresh schema per test) when LATCHKEY_TEST_POSTGRES_URL is set.

// Tests state their expectations with unwrap/expect: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod harness;

mod access_model;
mod authorization_matrix;
mod bootstrap_and_setup;
mod escalation_seams;
mod identity_providers;
mod list_users;
mod mail;
mod password_sign_in;
mod people;
mod pickers_and_bulk;
mod reauthentication;
mod resources;
mod roles;
mod sessions;
mod sso_sign_in;
mod teams;
mod tokens;
mod user_admin;
mod virtual_accounts;
