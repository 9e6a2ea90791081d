mod create_virtual_account;
mod delete_virtual_account;
mod get_virtual_account;
mod list_virtual_accounts;
mod regenerate_virtual_account_token;
mod reveal_virtual_account_token;
mod update_virtual_account;

pub use create_virtual_account::*;
pub use delete_virtual_account::*;
pub use get_virtual_account::*;
pub use list_virtual_accounts::*;
pub use regenerate_virtual_account_token::*;
pub use reveal_virtual_account_token::*;
pub use update_virtual_account::*;
