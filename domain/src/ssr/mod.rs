//! Server-only half of the domain: persistence, services and authorization.

mod access;
mod actor;
mod auth;
mod authorize;
mod effective;
pub mod entities;
mod error;
mod grant_rule;
mod mail;
mod oidc;
mod password;
mod password_links;
mod scope;
mod scope_identity_providers;
mod scope_people;
mod scope_reauthentication;
mod scope_resources;
mod scope_roles;
mod scope_subjects;
mod scope_teams;
mod scope_tokens;
mod scope_users;
mod scope_virtual_accounts;
mod secret;
mod services;
mod sessions;
mod sso_sign_in;
mod system;
mod throttle;
mod token_auth;
mod token_format;
mod users;

pub use actor::{Actor, AuthMethod, UserActor, VirtualAccountActor};
pub use auth::{Authenticator, SignedIn};
pub use authorize::{
    Operation, REAUTHENTICATE_AFTER, Requirement, Standing, authorize, authorize_with,
};
pub use error::{DomainError, DomainResult};
pub use mail::{DeliveryReport, MailError, MailTransport, OutgoingMail};
pub use oidc::{AuthorizationRequest, OidcClient, OidcError, PendingSso, SsoCallback, SsoSignedIn};
pub use password::PasswordHasher;
pub use scope::Scope;
pub use secret::Secret;
pub use services::{Services, ServicesConfig};
pub use sessions::{
    DbSessionStore, SESSION_ACTIVE_MINUTE_KEY, SESSION_AUTHENTICATED_AT_KEY,
    SESSION_SIGNED_IN_AT_KEY, SESSION_USER_KEY,
};
pub use sso_sign_in::{ProviderConnection, VerifiedIdentity};
pub use system::{BootstrapOutcome, CreatedAdmin, SystemScope};
pub use throttle::ThrottlePolicy;
pub use token_format::TokenKind;
