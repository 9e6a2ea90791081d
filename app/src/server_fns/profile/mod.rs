mod change_own_password;
mod get_reauthentication_options;
mod list_own_identities;
mod reauthenticate;
mod update_display_name;

pub use change_own_password::*;
pub use get_reauthentication_options::*;
pub use list_own_identities::*;
pub use reauthenticate::*;
pub use update_display_name::*;
