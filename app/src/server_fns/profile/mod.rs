mod change_own_password;
mod list_own_identities;
mod update_display_name;

pub use change_own_password::*;
pub use list_own_identities::*;
pub use update_display_name::*;
