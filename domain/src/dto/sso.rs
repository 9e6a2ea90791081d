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
