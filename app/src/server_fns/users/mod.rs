mod list_users;

pub use list_users::*;
