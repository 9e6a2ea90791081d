mod add_collaborator;
mod change_collaborator_role;
mod check_access;
mod create_resource;
mod delete_resource;
mod get_resource;
mod list_resources;
mod remove_collaborator;

pub use add_collaborator::*;
pub use change_collaborator_role::*;
pub use check_access::*;
pub use create_resource::*;
pub use delete_resource::*;
pub use get_resource::*;
pub use list_resources::*;
pub use remove_collaborator::*;
