//! Single sign-on: OIDC identity providers, their mapping rules, and what the login page shows.

use crate::ids::IdentityProviderId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which kind of identity provider a configuration started from. Presets only fill in the
/// fields; every provider speaks plain OIDC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdpPreset {
    Okta,
    Google,
    AzureAd,
    Keycloak,
    Generic,
}

impl IdpPreset {
    pub const ALL: [IdpPreset; 5] = [
        IdpPreset::Okta,
        IdpPreset::Google,
        IdpPreset::AzureAd,
        IdpPreset::Keycloak,
        IdpPreset::Generic,
    ];

    pub fn key(self) -> &'static str {
        match self {
            IdpPreset::Okta => "okta",
            IdpPreset::Google => "google",
            IdpPreset::AzureAd => "azure-ad",
            IdpPreset::Keycloak => "keycloak",
            IdpPreset::Generic => "generic",
        }
    }

    pub fn parse(key: &str) -> Option<IdpPreset> {
        IdpPreset::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            IdpPreset::Okta => "Okta",
            IdpPreset::Google => "Google",
            IdpPreset::AzureAd => "Azure AD",
            IdpPreset::Keycloak => "Keycloak",
            IdpPreset::Generic => "Generic OIDC",
        }
    }

    /// The issuer URL's shape, for the form's placeholder.
    pub fn issuer_hint(self) -> &'static str {
        match self {
            IdpPreset::Okta => "https://your-org.okta.com/oauth2/default",
            IdpPreset::Google => "https://accounts.google.com",
            IdpPreset::AzureAd => "https://login.microsoftonline.com/<tenant-id>/v2.0",
            IdpPreset::Keycloak => "https://keycloak.example.com/realms/<realm>",
            IdpPreset::Generic => "https://idp.example.com",
        }
    }

    /// The issuer URL to start from, when the preset has a fixed one.
    pub fn fixed_issuer(self) -> Option<&'static str> {
        match self {
            IdpPreset::Google => Some("https://accounts.google.com"),
            _ => None,
        }
    }

    /// Scopes to request: OIDC's own, plus `groups` where the provider needs it asked for.
    pub fn default_scopes(self) -> &'static [&'static str] {
        match self {
            IdpPreset::Okta => &["openid", "email", "profile", "groups"],
            _ => &["openid", "email", "profile"],
        }
    }

    /// The claim that carries group names. Google has none: its rules match the hosted
    /// domain (`hd`) and the email domain instead.
    pub fn default_groups_claim(self) -> Option<&'static str> {
        match self {
            IdpPreset::Google => None,
            _ => Some("groups"),
        }
    }
}

/// Who may sign in through a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provisioning {
    /// Anyone the provider vouches for (within the allowed domains) gets an account on first
    /// sign-in.
    JustInTime,
    /// Only users already invited may sign in.
    InviteOnly,
}

impl Provisioning {
    pub fn key(self) -> &'static str {
        match self {
            Provisioning::JustInTime => "just-in-time",
            Provisioning::InviteOnly => "invite-only",
        }
    }

    pub fn parse(key: &str) -> Option<Provisioning> {
        [Provisioning::JustInTime, Provisioning::InviteOnly]
            .into_iter()
            .find(|p| p.key() == key)
    }
}

/// IdP group -> tenant role (by role name, e.g. `tenant-admin`). The first matching rule wins;
/// with none, a user gets Member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleMappingRule {
    pub group: String,
    pub role: String,
}

/// IdP group -> team (by team name). A user is put in every mapped team whose group they are
/// in, and taken out of mapped teams they left; teams joined by hand are left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMappingRule {
    pub group: String,
    pub team: String,
}

/// A provider's configuration as shown to those who manage it. The client secret is
/// write-only: only whether one is set comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProviderView {
    pub id: IdentityProviderId,
    /// Names the provider in its redirect URL.
    pub slug: String,
    pub preset: IdpPreset,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub has_client_secret: bool,
    pub scopes: Vec<String>,
    pub groups_claim: Option<String>,
    /// Lowercase email domains allowed to sign in; empty: any.
    pub allowed_domains: Vec<String>,
    pub provisioning: Provisioning,
    pub enabled: bool,
    pub role_mappings: Vec<RoleMappingRule>,
    pub team_mappings: Vec<TeamMappingRule>,
    /// What to register at the provider as the redirect (callback) URL.
    pub redirect_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new provider, or the new state of one. `client_secret`: required to create; `None` on an
/// update keeps the stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProviderInput {
    pub slug: String,
    pub preset: IdpPreset,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Vec<String>,
    pub groups_claim: Option<String>,
    pub allowed_domains: Vec<String>,
    pub provisioning: Provisioning,
    pub enabled: bool,
    pub role_mappings: Vec<RoleMappingRule>,
    pub team_mappings: Vec<TeamMappingRule>,
}

/// A button on the login page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOption {
    pub slug: String,
    pub display_name: String,
    pub preset: IdpPreset,
}

/// A provider identity the signed-in user signs in with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    pub provider_display_name: String,
    pub provider_slug: String,
    pub linked_at: chrono::DateTime<chrono::Utc>,
    pub last_sign_in_at: chrono::DateTime<chrono::Utc>,
}

/// Profile > Single sign-on: the identities linked to the signed-in user, and the enabled
/// providers they may link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnIdentities {
    pub linked: Vec<LinkedIdentity>,
    pub available: Vec<SignInOption>,
}

/// How the signed-in user can confirm who they are before handing out a credential: their
/// password (when they have one and may sign in with it), or a fresh sign-in through a
/// provider they have linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReauthenticationOptions {
    pub password: bool,
    pub providers: Vec<SignInOption>,
}

/// What the login page offers: a button per enabled provider, and the password form unless
/// the tenant turned password sign-in off (Admins keep it, as a break-glass way in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    pub providers: Vec<SignInOption>,
    pub password_sign_in: bool,
    /// "Forgot password?" can mail a reset link: the server sends mail.
    pub password_reset: bool,
}

/// Why a single sign-on did not end in a session. The callback sends the browser to the
/// login page with `key()` in the query, and the page shows `message()`: the URL carries a
/// word, never what the provider sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SsoFailure {
    /// No enabled provider has that name.
    UnknownProvider,
    /// The provider's discovery document, keys or token endpoint could not be reached or read.
    ProviderUnreachable,
    /// The person cancelled, or refused consent, at the provider.
    Cancelled,
    /// The provider answered the authorization request with an error.
    ProviderError,
    /// No sign-in was started in this browser, or it was already used.
    NoTransaction,
    /// The `state` sent back is not the one this browser's sign-in started with.
    StateMismatch,
    /// The sign-in was started too long ago.
    Expired,
    /// The ID token failed a check: issuer, audience, signature, expiry or nonce.
    TokenRejected,
    /// The provider did not vouch for an email address.
    EmailNotVerified,
    /// The email's domain is not among the provider's allowed domains.
    DomainNotAllowed,
    /// An invite-only provider, and nobody invited this person.
    NotInvited,
    /// An account with this email exists and is in use: a provider is linked to it from the
    /// Profile page while signed in, never by email at sign-in.
    AccountExists,
    /// The identity a signed-in user tried to link belongs to another account.
    IdentityTaken,
    /// The account is deactivated.
    Deactivated,
    /// Something failed on Latchkey's side.
    Internal,
}

impl SsoFailure {
    pub const ALL: [SsoFailure; 15] = [
        SsoFailure::UnknownProvider,
        SsoFailure::ProviderUnreachable,
        SsoFailure::Cancelled,
        SsoFailure::ProviderError,
        SsoFailure::NoTransaction,
        SsoFailure::StateMismatch,
        SsoFailure::Expired,
        SsoFailure::TokenRejected,
        SsoFailure::EmailNotVerified,
        SsoFailure::DomainNotAllowed,
        SsoFailure::NotInvited,
        SsoFailure::AccountExists,
        SsoFailure::IdentityTaken,
        SsoFailure::Deactivated,
        SsoFailure::Internal,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SsoFailure::UnknownProvider => "unknown-provider",
            SsoFailure::ProviderUnreachable => "provider-unreachable",
            SsoFailure::Cancelled => "cancelled",
            SsoFailure::ProviderError => "provider-error",
            SsoFailure::NoTransaction => "no-sign-in-started",
            SsoFailure::StateMismatch => "state-mismatch",
            SsoFailure::Expired => "expired",
            SsoFailure::TokenRejected => "token-rejected",
            SsoFailure::EmailNotVerified => "email-not-verified",
            SsoFailure::DomainNotAllowed => "domain-not-allowed",
            SsoFailure::NotInvited => "not-invited",
            SsoFailure::AccountExists => "account-exists",
            SsoFailure::IdentityTaken => "identity-taken",
            SsoFailure::Deactivated => "deactivated",
            SsoFailure::Internal => "internal",
        }
    }

    pub fn parse(key: &str) -> Option<SsoFailure> {
        SsoFailure::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What the person signing in reads, with what to do next.
    pub fn message(self) -> &'static str {
        match self {
            SsoFailure::UnknownProvider => {
                "That sign-in option is not available. Choose another one below."
            }
            SsoFailure::ProviderUnreachable => {
                "Latchkey could not reach your identity provider. Try again in a moment; if it keeps failing, tell your administrator."
            }
            SsoFailure::Cancelled => "Sign-in was cancelled at your identity provider.",
            SsoFailure::ProviderError => {
                "Your identity provider refused the sign-in. Try again, or ask your administrator."
            }
            SsoFailure::NoTransaction => {
                "This sign-in was not started in this browser, or it was already used. Start again below."
            }
            SsoFailure::StateMismatch => {
                "This sign-in does not match the one this browser started (perhaps another tab started a newer one). Start again below."
            }
            SsoFailure::Expired => "The sign-in took too long and expired. Start again below.",
            SsoFailure::TokenRejected => {
                "Latchkey could not verify the answer from your identity provider, so you were not signed in. Try again; if it keeps failing, tell your administrator."
            }
            SsoFailure::EmailNotVerified => {
                "Your identity provider has not confirmed your email address, so Latchkey cannot tell who you are. Ask your administrator."
            }
            SsoFailure::DomainNotAllowed => {
                "Your email domain may not sign in here. Use your work account, or ask your administrator."
            }
            SsoFailure::NotInvited => {
                "You have not been invited to Latchkey. Ask an administrator to invite you, then sign in again."
            }
            SsoFailure::AccountExists => {
                "An account with this email address already exists. Sign in the way you usually do, then link this identity provider from your Profile."
            }
            SsoFailure::IdentityTaken => {
                "That identity is already linked to another account here. Sign in with it to use that account, or ask an administrator."
            }
            SsoFailure::Deactivated => {
                "This account has been deactivated. Ask an administrator to reactivate it."
            }
            SsoFailure::Internal => "Sign-in failed because of a problem in Latchkey. Try again.",
        }
    }
}

/// What "Test connection" found at an issuer: its discovery document's essentials, or why it
/// could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionTest {
    Reached(DiscoverySummary),
    Failed { reason: String },
}

/// The parts of an OpenID Provider's discovery document a sign-in depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoverySummary {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    /// How many signing keys the JWKS held.
    pub signing_keys: usize,
    pub scopes_supported: Vec<String>,
    pub claims_supported: Vec<String>,
    /// Whether the provider offers PKCE with S256 (Latchkey always sends it).
    pub supports_pkce_s256: bool,
}
