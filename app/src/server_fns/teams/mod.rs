mod add_team_members;
mod create_team;
mod delete_team;
mod get_team;
mod list_teams;
mod preview_team_deletion;
mod remove_team_member;
mod set_team_member_role;
mod update_team;

pub use add_team_members::*;
pub use create_team::*;
pub use delete_team::*;
pub use get_team::*;
pub use list_teams::*;
pub use preview_team_deletion::*;
pub use remove_team_member::*;
pub use set_team_member_role::*;
pub use update_team::*;
