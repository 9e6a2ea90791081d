//! The OpenID Connect protocol, as the domain needs it: a port the server implements with the
//! `openidconnect` crate (discovery, JWKS, code exchange, ID token checks) and the domain
//! drives (which provider, the sign-in transaction's lifetime and state, who the person is).
//! Keeping the protocol behind a trait keeps HTTP out of the domain, as the mail transport
//! does for SMTP.

use crate::dto::DiscoverySummary;
use crate::ssr::sso_sign_in::{ProviderConnection, VerifiedIdentity};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where to send the browser, and the secrets of that one request, which the provider will
/// answer for. The caller keeps them server-side (in the session) until the callback.
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A failure of the protocol, in words that are safe to log: never a token, code or secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached, or answered something that is not OIDC.
    #[error("provider unreachable: {0}")]
    Unreachable(String),
    /// The provider answered, and the answer failed a check (token endpoint error, ID token
    /// issuer, audience, signature, expiry or nonce).
    #[error("rejected: {0}")]
    Rejected(String),
}

/// The protocol side of single sign-on. Implementations must not follow redirects from the
/// provider's endpoints and must bound every request's time.
#[async_trait::async_trait]
pub trait OidcClient: Send + Sync + fmt::Debug {
    /// Reads the issuer's discovery document and its keys.
    async fn discover(&self, issuer_url: &str) -> Result<DiscoverySummary, OidcError>;

    /// Builds the authorization request (code flow, PKCE S256, fresh state and nonce).
    async fn authorization_request(
        &self,
        provider: &ProviderConnection,
    ) -> Result<AuthorizationRequest, OidcError>;

    /// Redeems `code` at the token endpoint and verifies the ID token it returns: issuer,
    /// audience, signature (keys from the issuer's JWKS), expiry with a small leeway, and
    /// `nonce`.
    async fn redeem(
        &self,
        provider: &ProviderConnection,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError>;
}

/// A sign-in in flight: what the browser's session keeps between sending the person to the
/// provider and their coming back. Single use: the transport takes it out of the session
/// before finishing, so a replayed callback finds nothing.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSso {
    pub slug: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go after signing in (a local path, checked again when used).
    pub next: Option<String>,
    /// Unix seconds.
    pub started_at: i64,
    /// Set when a signed-in user started this to link the provider to their own account
    /// (from the Profile page): the callback links the identity instead of signing in.
    #[serde(default)]
    pub link_for: Option<i64>,
}

impl fmt::Debug for PendingSso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSso")
            .field("slug", &self.slug)
            .field("started_at", &self.started_at)
            .finish_non_exhaustive()
    }
}

/// What the provider sent back to the callback URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SsoCallback {
    pub state: Option<String>,
    pub code: Option<String>,
    /// An OAuth error code (`access_denied`, ...), when the provider refused.
    pub error: Option<String>,
    /// The issuer, from providers that name themselves in the response (RFC 9207), which
    /// must then be the provider's own: a defence against mixing up providers.
    pub iss: Option<String>,
}

/// A finished single sign-on: the session to start and where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSignedIn {
    pub user_id: crate::ids::UserId,
    pub next: Option<String>,
    /// The identity was linked to this already signed-in user (no new sign-in).
    pub linked: bool,
}

/// Compares two strings in time that depends only on their lengths.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_sign_ins_never_print_their_secrets() {
        let pending = PendingSso {
            slug: "okta".into(),
            state: "state-value".into(),
            nonce: "nonce-value".into(),
            pkce_verifier: "verifier-value".into(),
            next: None,
            started_at: 1,
            link_for: None,
        };
        let printed = format!("{pending:?}");
        for secret in ["state-value", "nonce-value", "verifier-value"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }
}
