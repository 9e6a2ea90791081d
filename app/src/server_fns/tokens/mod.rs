mod create_own_token;
mod list_own_tokens;
mod revoke_own_token;
mod revoke_user_tokens;

pub use create_own_token::*;
pub use list_own_tokens::*;
pub use revoke_own_token::*;
pub use revoke_user_tokens::*;
