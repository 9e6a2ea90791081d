pub mod access;
pub mod confirm;
pub mod notice;
pub mod pager;
pub mod password_fields;
pub mod role_options;
pub mod secret;
pub mod shell;
