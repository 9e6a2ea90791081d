//! Server-only half of the domain: persistence, services and authorization.

mod access;
mod actor;
mod auth;
mod authorize;
mod effective;
pub mod entities;
mod error;
mod mail;
mod password;
mod password_links;
mod scope;
mod scope_people;
mod scope_resources;
mod scope_roles;
mod scope_teams;
mod scope_users;
mod secret;
mod services;
mod sessions;
mod system;
mod throttle;
mod users;

pub use actor::{Actor, AuthMethod, UserActor};
pub use auth::{Authenticator, SignedIn};
pub use authorize::{Operation, Requirement, Standing, authorize, authorize_with};
pub use error::{DomainError, DomainResult};
pub use mail::{DeliveryReport, MailError, MailTransport, OutgoingMail};
pub use password::PasswordHasher;
pub use scope::Scope;
pub use secret::Secret;
pub use services::{Services, ServicesConfig};
pub use sessions::{DbSessionStore, SESSION_SIGNED_IN_AT_KEY, SESSION_USER_KEY};
pub use system::{BootstrapOutcome, CreatedAdmin, SystemScope};
pub use throttle::ThrottlePolicy;
