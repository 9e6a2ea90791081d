//! SeaORM entities. They stay on the server: the wire carries the DTOs of `crate::dto`.

pub mod collaborator;
pub mod identity_provider;
pub mod identity_provider_role_mapping;
pub mod identity_provider_team_mapping;
pub mod instance_setting;
pub mod login_throttle;
pub mod mail_outbox;
pub mod password_token;
pub mod resource;
pub mod role;
pub mod role_permission;
pub mod security_setting;
pub mod session;
pub mod setup_token;
pub mod team;
pub mod team_member;
pub mod tenant;
pub mod token;
pub mod user;
pub mod user_identity;
pub mod virtual_account;
