mod get_security_settings;
mod preview_security_settings;
mod update_security_settings;

pub use get_security_settings::*;
pub use preview_security_settings::*;
pub use update_security_settings::*;
