mod create_role;
mod delete_role;
mod list_assignable_roles;
mod list_roles;
mod update_role;

pub use create_role::*;
pub use delete_role::*;
pub use list_assignable_roles::*;
pub use list_roles::*;
pub use update_role::*;
