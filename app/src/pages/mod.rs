pub mod login;
pub mod not_found;
pub mod role_editor;
pub mod roles;
pub mod setup;
pub mod user;
pub mod users;
