//! The OpenID Connect protocol with the `openidconnect` crate: the domain's `OidcClient` port.
//! Discovery and the JWKS are fetched for each sign-in (sign-ins are rare; a fresh JWKS
//! follows key rotation without a cache to invalidate). Errors are described in our own words
//! so that no response body, code or token reaches a log. Every request goes through
//! `outbound::GuardedHttpClient`, which refuses link-local addresses, and loopback and private
//! ones unless the operator allows them, and bounds each answer's size and time.

use crate::outbound::{AddressPolicy, GuardedHttpClient, OutboundError};
use domain::dto::{DiscoverySummary, IdpPreset};
use domain::{AuthorizationRequest, OidcClient, OidcError, ProviderConnection, VerifiedIdentity};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClaimName, CoreClaimType,
    CoreClientAuthMethod, CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
    CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthorizationCode, Client, ClientId,
    ClientSecret, CsrfToken, DiscoveryError, EmptyExtraTokenFields, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, ProviderMetadata, RedirectUrl, RequestTokenError, Scope,
    StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

/// How far a provider's clock may be ahead of ours (ID token `exp` and `iat`).
const CLOCK_LEEWAY: chrono::Duration = chrono::Duration::seconds(60);

/// Claims beyond the standard ones: the configured groups claim, Google's `hd`, Azure AD's
/// `xms_edov`. The crate removes the standard claims from this map.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}
impl AdditionalClaims for OtherClaims {}

/// Discovery fields the crate does not model: whether PKCE S256 is offered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    code_challenge_methods_supported: Option<Vec<String>>,
}
impl AdditionalProviderMetadata for OtherMetadata {}

type Metadata = ProviderMetadata<
    OtherMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type TokenFields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type RelyingParty = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<TokenFields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The relying party: an HTTP client that checks every address it connects to (server-side
/// request forgery), follows no redirects (the crate's advice), gives up after 10 seconds and
/// reads at most 1 MiB of an answer.
#[derive(Debug, Clone)]
pub struct OpenIdConnect {
    http: GuardedHttpClient,
}

impl OpenIdConnect {
    /// `allow_private_issuers` (LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS) lets providers live on
    /// loopback and private addresses; link-local ones stay refused.
    pub fn new(allow_private_issuers: bool) -> Result<OpenIdConnect, String> {
        let http = GuardedHttpClient::new(AddressPolicy {
            allow_private: allow_private_issuers,
        })?;
        Ok(OpenIdConnect { http })
    }

    async fn metadata(&self, issuer_url: &str) -> Result<Metadata, OidcError> {
        let issuer = IssuerUrl::new(issuer_url.to_string())
            .map_err(|e| OidcError::Unreachable(format!("the issuer URL is not a URL: {e}")))?;
        Metadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                OidcError::Unreachable(format!(
                    "discovery at {issuer_url}: {}",
                    discovery_failure(e)
                ))
            })
    }

    async fn relying_party(
        &self,
        provider: &ProviderConnection,
    ) -> Result<RelyingParty, OidcError> {
        let metadata = self.metadata(&provider.issuer_url).await?;
        let redirect = RedirectUrl::new(provider.redirect_url.clone())
            .map_err(|e| OidcError::Unreachable(format!("redirect URL: {e}")))?;
        Ok(RelyingParty::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
}

#[async_trait::async_trait]
impl OidcClient for OpenIdConnect {
    async fn discover(&self, issuer_url: &str) -> Result<DiscoverySummary, OidcError> {
        let metadata = self.metadata(issuer_url).await?;
        let names = |items: Option<Vec<String>>| items.unwrap_or_default();
        Ok(DiscoverySummary {
            issuer: metadata.issuer().to_string(),
            authorization_endpoint: metadata.authorization_endpoint().to_string(),
            token_endpoint: metadata.token_endpoint().map(|u| u.to_string()),
            userinfo_endpoint: metadata.userinfo_endpoint().map(|u| u.to_string()),
            jwks_uri: metadata.jwks_uri().to_string(),
            signing_keys: metadata.jwks().keys().len(),
            scopes_supported: names(
                metadata
                    .scopes_supported()
                    .map(|s| s.iter().map(|s| s.to_string()).collect()),
            ),
            claims_supported: names(
                metadata
                    .claims_supported()
                    .map(|c| c.iter().map(|c| c.to_string()).collect()),
            ),
            supports_pkce_s256: metadata
                .additional_metadata()
                .code_challenge_methods_supported
                .as_ref()
                .is_some_and(|methods| methods.iter().any(|m| m == "S256")),
        })
    }

    async fn authorization_request(
        &self,
        provider: &ProviderConnection,
    ) -> Result<AuthorizationRequest, OidcError> {
        let client = self.relying_party(provider).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        // The crate always asks for `openid`.
        for scope in provider.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    async fn redeem(
        &self,
        provider: &ProviderConnection,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<VerifiedIdentity, OidcError> {
        let client = self.relying_party(provider).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|_| OidcError::Unreachable("the provider has no token endpoint".into()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(describe_token_error)?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::Rejected("the token response has no ID token".into()))?;
        let verifier = client
            .id_token_verifier()
            .set_time_fn(|| chrono::Utc::now() - CLOCK_LEEWAY)
            .set_issue_time_verifier_fn(|issued| {
                if issued > chrono::Utc::now() + CLOCK_LEEWAY {
                    Err(format!("issued in the future ({issued})"))
                } else {
                    Ok(())
                }
            });
        let claims = id_token
            .claims(&verifier, &Nonce::new(nonce.to_string()))
            .map_err(|e| OidcError::Rejected(format!("ID token: {}", chain(&e))))?;
        let other = &claims.additional_claims().claims;
        let claim_text = |name: &str| other.get(name).and_then(|v| v.as_str()).map(str::to_string);
        // Azure AD sends no email_verified; its optional claim `xms_edov` says whether the
        // email's domain is verified by its owner.
        let email_verified = match claims.email_verified() {
            Some(verified) => verified,
            None if provider.preset == IdpPreset::AzureAd => {
                other.get("xms_edov").and_then(claim_flag).unwrap_or(false)
            }
            None => false,
        };
        let groups = provider
            .groups_claim
            .as_deref()
            .map(|name| match other.get(name) {
                Some(serde_json::Value::Array(values)) => values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                Some(serde_json::Value::String(one)) => vec![one.clone()],
                _ => Vec::new(),
            });
        Ok(VerifiedIdentity {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified,
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
            groups,
            hosted_domain: claim_text("hd"),
        })
    }
}

/// A boolean claim, also when a provider sends it as a string.
fn claim_flag(value: &serde_json::Value) -> Option<bool> {
    match value {
        serde_json::Value::Bool(flag) => Some(*flag),
        serde_json::Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// An error and its causes in one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A discovery or key-set failure without the answer's body.
fn discovery_failure(error: DiscoveryError<OutboundError>) -> String {
    match error {
        DiscoveryError::Request(e) => e.to_string(),
        // The crate's own words: the status code or content type, and the URL.
        DiscoveryError::Response(_, _body, message) => message,
        DiscoveryError::Parse(e) => format!(
            "the answer is not an OpenID Connect document (at {})",
            e.path()
        ),
        DiscoveryError::UrlParse(e) => format!("not a URL: {e}"),
        DiscoveryError::Validation(message) | DiscoveryError::Other(message) => message,
        other => chain(&other),
    }
}

/// The token endpoint's failure without its body (which could hold a token).
fn describe_token_error(
    error: RequestTokenError<OutboundError, StandardErrorResponse<CoreErrorResponseType>>,
) -> OidcError {
    match error {
        RequestTokenError::ServerResponse(response) => OidcError::Rejected(format!(
            "the token endpoint refused the code: {}",
            AsRef::<str>::as_ref(response.error())
        )),
        RequestTokenError::Request(e) => OidcError::Unreachable(format!("token endpoint: {e}")),
        RequestTokenError::Parse(e, _body) => OidcError::Unreachable(format!(
            "the token endpoint's answer is not a token response (at {})",
            e.path()
        )),
        RequestTokenError::Other(e) => OidcError::Unreachable(format!("token endpoint: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_booleans_and_strings() {
        assert_eq!(claim_flag(&serde_json::json!(true)), Some(true));
        assert_eq!(claim_flag(&serde_json::json!("false")), Some(false));
        assert_eq!(claim_flag(&serde_json::json!(1)), None);
    }
}
