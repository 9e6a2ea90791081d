mod complete_setup;
mod get_current_user;
mod get_password_link_status;
mod get_setup_status;
mod get_sign_in_options;
mod request_password_reset;
mod set_password;
mod sign_in;
mod sign_out;

pub use complete_setup::*;
pub use get_current_user::*;
pub use get_password_link_status::*;
pub use get_setup_status::*;
pub use get_sign_in_options::*;
pub use request_password_reset::*;
pub use set_password::*;
pub use sign_in::*;
pub use sign_out::*;
