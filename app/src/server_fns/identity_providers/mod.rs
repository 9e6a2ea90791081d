mod create_identity_provider;
mod delete_identity_provider;
mod get_identity_provider;
mod list_identity_providers;
mod test_identity_provider;
mod update_identity_provider;

pub use create_identity_provider::*;
pub use delete_identity_provider::*;
pub use get_identity_provider::*;
pub use list_identity_providers::*;
pub use test_identity_provider::*;
pub use update_identity_provider::*;
