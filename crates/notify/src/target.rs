//! Where a webhook may be sent. A subscriber chooses the URL, so without
//! care the registry would send requests into its own network on their
//! behalf (server-side request forgery): to loopback, private, link-local,
//! shared (CGNAT), multicast and reserved addresses, and to cloud metadata
//! services. Those are refused twice: when a URL is registered, by its
//! literal host, and when a delivery connects, by every address its host
//! resolves to ([`GuardedResolver`]), so a name that later resolves to
//! 127.0.0.1 is refused too. Redirects are not followed (see `webhook`).
//! A deployment can allow plain http and private targets (tests, a
//! laptop); both are off by default.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use url::{Host, Url};

/// What a deployment allows beyond public https targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetPolicy {
    pub allow_http: bool,
    pub allow_private: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("ikke en gyldig URL: {0}")]
    Malformed(String),
    #[error("webhooks må bruke https")]
    NotHttps,
    #[error("URL-en kan ikke inneholde brukernavn eller passord")]
    Credentials,
    #[error("URL-en mangler vertsnavn")]
    NoHost,
    #[error("adressen {0} er intern (loopback, privat, lenkelokal, delt eller reservert) og kan ikke motta webhooks")]
    Internal(String),
    #[error("vertsnavnet {0} er en intern tjeneste og kan ikke motta webhooks")]
    InternalName(String),
    #[error("vertsnavnet {0} finnes ikke i DNS")]
    Unresolved(String),
}

/// Names that reach the machine itself or a cloud's metadata service
/// whatever DNS says.
fn internal_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "metadata"
        || host == "metadata.google.internal"
        || host.ends_with(".internal")
}

impl TargetPolicy {
    /// Check a URL as registered (and again before each delivery): scheme,
    /// no credentials, and a host that is not internal by name or literal
    /// address.
    pub fn check_url(&self, text: &str) -> Result<Url, TargetError> {
        let url = Url::parse(text).map_err(|e| TargetError::Malformed(e.to_string()))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            _ => return Err(TargetError::NotHttps),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Credentials);
        }
        if self.allow_private {
            return url.host().map(|_| url.clone()).ok_or(TargetError::NoHost);
        }
        match url.host() {
            None => Err(TargetError::NoHost),
            Some(Host::Domain(name)) if internal_name(name) => {
                Err(TargetError::InternalName(name.to_string()))
            }
            Some(Host::Domain(_)) => Ok(url),
            Some(Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)).map(|()| url),
            Some(Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)).map(|()| url),
        }
    }

    /// Refuse an internal address unless private targets are allowed.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), TargetError> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(TargetError::Internal(ip.to_string()))
        }
    }
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local (with the metadata address 169.254.169.254), shared
/// (100.64/10), multicast, documentation, benchmarking or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let internal = a == 0                                   // "this" network
        || a == 10                                          // private
        || a == 127                                         // loopback
        || (a == 100 && (64..128).contains(&b))             // shared, CGNAT
        || (a == 169 && b == 254)                           // link-local, metadata
        || (a == 172 && (16..32).contains(&b))              // private
        || (a == 192 && b == 0 && c == 0)                   // protocol assignments
        || (a == 192 && b == 0 && c == 2)                   // documentation
        || (a == 192 && b == 88 && c == 99)                 // 6to4 relay
        || (a == 192 && b == 168)                           // private
        || (a == 198 && (18..20).contains(&b))              // benchmarking
        || (a == 198 && b == 51 && c == 100)                // documentation
        || (a == 203 && b == 0 && c == 113)                 // documentation
        || a >= 224; // multicast, reserved, broadcast
    !internal
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|x| *x == 0) {
        return is_public_v4(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    let internal = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00                        // unique local (fd00:ec2::254, metadata)
        || (s[0] & 0xffc0) == 0xfe80                        // link-local
        || (s[0] & 0xffc0) == 0xfec0                        // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8)               // documentation
        || (s[0] == 0x0100 && s[1..4].iter().all(|x| *x == 0)) // discard
        || s[..6].iter().all(|x| *x == 0); // IPv4-compatible (deprecated)
    !internal
}

/// How names become addresses; the system's resolver in service, a table
/// in tests that must not depend on DNS.
pub type Lookup = Arc<
    dyn Fn(
            String,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = std::io::Result<Vec<IpAddr>>> + Send>,
        > + Send
        + Sync,
>;

/// The system's resolver (getaddrinfo, through tokio).
pub fn system_lookup() -> Lookup {
    Arc::new(|name: String| {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    })
}

/// A DNS resolver for reqwest that drops internal addresses: a connection
/// can only be made to an address that passed the policy, at the moment
/// of connecting (no window between a check and a second lookup).
#[derive(Clone)]
pub struct GuardedResolver {
    policy: TargetPolicy,
    lookup: Lookup,
}

impl GuardedResolver {
    pub fn new(policy: TargetPolicy, lookup: Lookup) -> Self {
        Self { policy, lookup }
    }

    /// The addresses a name may be connected to.
    pub async fn resolve_checked(&self, name: &str) -> Result<Vec<IpAddr>, TargetError> {
        if !self.policy.allow_private && internal_name(name) {
            return Err(TargetError::InternalName(name.to_string()));
        }
        let all = (self.lookup)(name.to_string())
            .await
            .map_err(|_| TargetError::Unresolved(name.to_string()))?;
        let first = *all
            .first()
            .ok_or_else(|| TargetError::Unresolved(name.to_string()))?;
        let allowed: Vec<IpAddr> = all
            .into_iter()
            .filter(|ip| self.policy.check_ip(*ip).is_ok())
            .collect();
        if allowed.is_empty() {
            // Name the address refused, so the subscriber sees why.
            return Err(TargetError::Internal(first.to_string()));
        }
        Ok(allowed)
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            let ips = this.resolve_checked(&name).await?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod tests;
