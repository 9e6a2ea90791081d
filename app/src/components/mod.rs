pub mod confirm;
pub mod notice;
pub mod shell;
