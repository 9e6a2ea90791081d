//! One server function per file, `<area>/<verb>_<noun>.rs`, all under the `/rpc` prefix.

pub mod auth;
pub mod identity_providers;
pub mod profile;
pub mod resources;
pub mod roles;
pub mod settings;
pub mod subjects;
pub mod teams;
pub mod tokens;
pub mod users;
pub mod virtual_accounts;
