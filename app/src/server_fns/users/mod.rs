mod change_user_role;
mod change_users;
mod delete_user;
mod get_user;
mod invite_users;
mod list_users;
mod reset_user_password;
mod set_user_status;

pub use change_user_role::*;
pub use change_users::*;
pub use delete_user::*;
pub use get_user::*;
pub use invite_users::*;
pub use list_users::*;
pub use reset_user_password::*;
pub use set_user_status::*;
