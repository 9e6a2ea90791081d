pub mod confirm;
pub mod notice;
pub mod password_fields;
pub mod shell;
