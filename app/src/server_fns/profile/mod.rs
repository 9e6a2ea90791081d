mod change_own_password;
mod update_display_name;

pub use change_own_password::*;
pub use update_display_name::*;
