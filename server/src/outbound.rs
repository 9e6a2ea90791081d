//! The HTTP client single sign-on reaches identity providers with. It fetches addresses an
//! admin typed (the issuer's discovery document) and addresses that document names (keys,
//! token endpoint), so it guards against server-side request forgery:
//!
//! - the address actually connected to is checked: names are resolved here (tokio) and
//!   filtered before reqwest connects, and hosts written as IP addresses (which reqwest never
//!   resolves) are checked before the request is sent;
//! - link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata services) are always
//!   refused; loopback, private (10/8, 172.16/12, 192.168/16), shared (100.64/10), unique-local
//!   (fc00::/7) and unspecified addresses, and the IPv4-mapped IPv6 forms of all of these, are
//!   refused unless the operator sets `LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS=true`;
//! - no redirect is followed, no proxy is used (a proxy would resolve names where they cannot
//!   be checked), an answer may take 10 s and hold 1 MiB at most;
//! - failures are described in our own words, never with what the server answered.

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The variable that lets single sign-on reach loopback and private addresses.
pub const ALLOW_PRIVATE_ISSUERS_VAR: &str = "LATCHKEY_SSO_ALLOW_PRIVATE_ISSUERS";

/// The largest answer read from an identity provider. Discovery documents and key sets are a
/// few KiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// How long one request may take, answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Which addresses an identity provider may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Loopback, private, shared, unique-local and unspecified addresses are allowed
    /// (never link-local ones).
    pub allow_private: bool,
}

impl AddressPolicy {
    /// Why connecting to `ip` is refused ("127.0.0.1 is a loopback address; ..."), or `None`
    /// when it is allowed.
    pub fn refusal(self, ip: IpAddr) -> Option<String> {
        self.refused(ip)
            .map(|(kind, hint)| format!("{ip} is a {kind} address{hint}"))
    }

    /// As `refusal`, for an address `host` resolved to ("localhost is at 127.0.0.1, a
    /// loopback address; ...").
    fn refusal_of_name(self, host: &str, ip: IpAddr) -> Option<String> {
        self.refused(ip)
            .map(|(kind, hint)| format!("{host} is at {ip}, a {kind} address{hint}"))
    }

    /// The kind of a refused address, and what to say after it.
    fn refused(self, ip: IpAddr) -> Option<(&'static str, String)> {
        match classify(ip) {
            Class::Public => None,
            Class::LinkLocal => Some((
                "link-local",
                " (where cloud metadata services answer): identity providers are never \
                 reached there"
                    .into(),
            )),
            Class::NotUnicast => Some(("multicast, broadcast or reserved", String::new())),
            Class::Private(_) if self.allow_private => None,
            Class::Private(kind) => Some((
                kind,
                format!(
                    "; set {ALLOW_PRIVATE_ISSUERS_VAR}=true to allow identity providers on \
                     loopback and private networks"
                ),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Public,
    LinkLocal,
    /// Loopback, private and the like, with a word for which.
    Private(&'static str),
    /// Multicast, broadcast and reserved addresses: no identity provider lives there.
    NotUnicast,
}

fn classify(ip: IpAddr) -> Class {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Class {
    let [a, b, ..] = ip.octets();
    if a == 169 && b == 254 {
        Class::LinkLocal
    } else if ip.is_loopback() {
        Class::Private("loopback")
    } else if a == 0 {
        Class::Private("unspecified")
    } else if ip.is_private() {
        Class::Private("private")
    } else if a == 100 && (b & 0xc0) == 64 {
        Class::Private("shared (carrier-grade NAT)")
    } else if ip.is_multicast() || a >= 240 {
        Class::NotUnicast
    } else {
        Class::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> Class {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Class::Private("loopback")
    } else if ip.is_unspecified() {
        Class::Private("unspecified")
    } else if let Some(v4) = embedded_v4(ip) {
        classify_v4(v4)
    } else if first & 0xffc0 == 0xfe80 {
        Class::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        Class::Private("unique-local")
    } else if first & 0xffc0 == 0xfec0 {
        Class::Private("site-local")
    } else if ip.is_multicast() {
        Class::NotUnicast
    } else {
        Class::Public
    }
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`),
/// IPv4-compatible (`::a.b.c.d`, deprecated) or NAT64 (`64:ff9b::a.b.c.d`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new(
        (s[6] >> 8) as u8,
        (s[6] & 0xff) as u8,
        (s[7] >> 8) as u8,
        (s[7] & 0xff) as u8,
    );
    match s[..6] {
        [0, 0, 0, 0, 0, 0xffff] | [0, 0, 0, 0, 0, 0] | [0x64, 0xff9b, 0, 0, 0, 0] => Some(low),
        _ => None,
    }
}

/// A failure to reach an identity provider, in words safe to show an admin and to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundError {
    /// The address is not allowed.
    Refused(String),
    /// The request could not be made or answered.
    Failed(String),
    /// No whole answer within `REQUEST_TIMEOUT`.
    TimedOut,
    /// The answer is larger than `MAX_RESPONSE_BYTES`.
    TooLarge,
}

impl fmt::Display for OutboundError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutboundError::Refused(why) => write!(f, "refused: {why}"),
            OutboundError::Failed(why) => f.write_str(why),
            OutboundError::TimedOut => write!(
                f,
                "no complete answer within {} s",
                REQUEST_TIMEOUT.as_secs()
            ),
            OutboundError::TooLarge => write!(
                f,
                "the answer is larger than {} MiB, more than an identity provider sends",
                MAX_RESPONSE_BYTES / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for OutboundError {}

/// Resolves names with the system resolver (through tokio) and keeps only allowed addresses.
#[derive(Debug, Clone, Copy)]
struct CheckedResolver {
    policy: AddressPolicy,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| {
                    Box::new(OutboundError::Failed(format!("cannot resolve {host}: {e}")))
                })?
                .collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(
                    |address| match policy.refusal_of_name(&host, address.ip()) {
                        None => true,
                        Some(why) => {
                            refused.get_or_insert(why);
                            false
                        }
                    },
                )
                .collect();
            if allowed.is_empty() {
                let error = match refused {
                    Some(why) => OutboundError::Refused(why),
                    None => OutboundError::Failed(format!("{host} has no address")),
                };
                return Err(Box::new(error) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The identity providers' HTTP client: reqwest with the checks above, as the
/// `openidconnect` crate's `AsyncHttpClient`.
#[derive(Debug, Clone)]
pub struct GuardedHttpClient {
    client: reqwest::Client,
    policy: AddressPolicy,
}

impl GuardedHttpClient {
    pub fn new(policy: AddressPolicy) -> Result<GuardedHttpClient, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(CheckedResolver { policy }))
            .connect_timeout(Duration::from_secs(5))
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("latchkey/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the OpenID Connect HTTP client: {e}"))?;
        Ok(GuardedHttpClient { client, policy })
    }

    /// Sends `request` if its address is allowed, and reads at most `MAX_RESPONSE_BYTES` of
    /// the answer within `REQUEST_TIMEOUT`.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, OutboundError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|_| OutboundError::Failed("the address is not a valid URL".into()))?;
        let url = request.url();
        if !matches!(url.scheme(), "http" | "https") {
            return Err(OutboundError::Refused(format!(
                "{}: only http and https are fetched",
                url.scheme()
            )));
        }
        // reqwest resolves names through `CheckedResolver`, but connects to an address
        // written in the URL without asking it.
        let literal = match url.host() {
            Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(OutboundError::Failed("the address has no host".into())),
        };
        if let Some(why) = literal.and_then(|ip| self.policy.refusal(ip)) {
            return Err(OutboundError::Refused(why));
        }
        let target = format!(
            "{}{}",
            url.host_str().unwrap_or_default(),
            url.port().map(|p| format!(":{p}")).unwrap_or_default()
        );
        tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(request, &target))
            .await
            .unwrap_or(Err(OutboundError::TimedOut))
    }

    async fn exchange(
        &self,
        request: reqwest::Request,
        target: &str,
    ) -> Result<HttpResponse, OutboundError> {
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| describe(&e, target))?;
        if response
            .content_length()
            .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
        {
            return Err(OutboundError::TooLarge);
        }
        let mut answer = http::Response::builder()
            .status(response.status())
            .version(response.version());
        for (name, value) in response.headers() {
            answer = answer.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e, target))? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(OutboundError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        answer
            .body(body)
            .map_err(|_| OutboundError::Failed(format!("{target} sent an unreadable answer")))
    }
}

/// A reqwest failure in our words: the resolver's refusal as it was made, else what went
/// wrong and, for connections, the innermost cause (refused, TLS certificate, ...).
fn describe(error: &reqwest::Error, target: &str) -> OutboundError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut innermost = None;
    while let Some(cause) = source {
        if let Some(ours) = cause.downcast_ref::<OutboundError>() {
            return ours.clone();
        }
        innermost = Some(cause);
        source = cause.source();
    }
    if error.is_timeout() {
        OutboundError::TimedOut
    } else if error.is_connect() {
        let why = innermost
            .filter(|cause| !std::ptr::addr_eq(*cause, error))
            .map(|cause| format!(": {cause}"))
            .unwrap_or_default();
        OutboundError::Failed(format!("cannot connect to {target}{why}"))
    } else if error.is_body() || error.is_decode() {
        OutboundError::Failed(format!("the answer from {target} broke off"))
    } else {
        OutboundError::Failed(format!("the request to {target} failed"))
    }
}

impl<'c> AsyncHttpClient<'c> for GuardedHttpClient {
    type Error = OutboundError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, OutboundError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(ip: &str, allow_private: bool) -> Option<String> {
        AddressPolicy { allow_private }.refusal(ip.parse().unwrap_or_else(|_| panic!("{ip}")))
    }

    #[test]
    fn link_local_is_refused_even_when_private_networks_are_allowed() {
        for ip in [
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "febf::1",
            "::ffff:169.254.169.254",
            "::169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            for allow in [false, true] {
                let why = refused(ip, allow).unwrap_or_else(|| panic!("{ip} allowed"));
                assert!(why.contains("link-local"), "{ip}: {why}");
            }
        }
    }

    #[test]
    fn private_addresses_need_the_flag() {
        for (ip, kind) in [
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("::1", "loopback"),
            ("::ffff:127.0.0.1", "loopback"),
            ("10.0.0.5", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("::ffff:10.1.2.3", "private"),
            ("::ffff:192.168.0.1", "private"),
            ("100.64.0.1", "carrier-grade NAT"),
            ("100.127.255.254", "carrier-grade NAT"),
            ("fc00::1", "unique-local"),
            ("fd12:3456::1", "unique-local"),
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "unspecified"),
            ("::", "unspecified"),
            ("::ffff:0.0.0.0", "unspecified"),
        ] {
            let why = refused(ip, false).unwrap_or_else(|| panic!("{ip} allowed"));
            assert!(why.contains(kind), "{ip}: {why}");
            assert!(why.contains(ALLOW_PRIVATE_ISSUERS_VAR), "{ip}: {why}");
            assert_eq!(refused(ip, true), None, "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass_and_non_unicast_never_does() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
            "169.255.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(refused(ip, false), None, "{ip}");
        }
        for ip in ["224.0.0.1", "255.255.255.255", "240.0.0.1", "ff02::1"] {
            assert!(refused(ip, true).is_some(), "{ip}");
        }
    }
}
