mod change_user_role;
mod get_user;
mod list_users;
mod set_user_status;

pub use change_user_role::*;
pub use get_user::*;
pub use list_users::*;
pub use set_user_status::*;
