//! Token validation: accept only the configured algorithms, check exp, nbf,
//! iss and aud with a small leeway, and map every failure to an AuthError.

use crate::error::AuthError;
use crate::jwks::JwksCache;
use crate::role::Claims;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use std::sync::Arc;

pub enum KeySource {
    /// HS256 with a shared secret (the embedded default).
    Shared(Vec<u8>),
    /// RS256/ES256 keys from a JWKS URL.
    Jwks(Arc<JwksCache>),
}

/// 24 hours: longer than any interactive session needs.
pub const DEFAULT_MAX_LIFETIME_SECS: u64 = 24 * 3600;

pub struct Validator {
    pub issuer: String,
    pub audience: String,
    pub leeway_secs: u64,
    /// The longest a token may still have to live when it is presented;
    /// a leaked long-lived token is a standing key.
    pub max_lifetime_secs: u64,
    source: KeySource,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

impl Validator {
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, source: KeySource) -> Self {
        Self {
            issuer: issuer.into(),
            audience: audience.into(),
            leeway_secs: 30,
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
            source,
        }
    }

    pub fn with_max_lifetime(mut self, secs: u64) -> Self {
        self.max_lifetime_secs = secs;
        self
    }

    pub async fn validate(&self, token: &str) -> Result<Claims, AuthError> {
        // `alg: none` and unknown algorithms fail here: jsonwebtoken has no
        // variant for them.
        let header = decode_header(token).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidAlgorithmName => {
                AuthError::AlgorithmNotAllowed("ukjent".into())
            }
            _ => AuthError::Malformed,
        })?;
        let (key, alg) = match &self.source {
            KeySource::Shared(secret) => {
                if header.alg != Algorithm::HS256 {
                    return Err(AuthError::AlgorithmNotAllowed(format!("{:?}", header.alg)));
                }
                (DecodingKey::from_secret(secret), Algorithm::HS256)
            }
            KeySource::Jwks(cache) => {
                // Only asymmetric algorithms: an HS256 token "signed" with a
                // public key must never verify.
                if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
                    return Err(AuthError::AlgorithmNotAllowed(format!("{:?}", header.alg)));
                }
                let kid = header.kid.as_deref().ok_or(AuthError::UnknownKey)?;
                let (key, alg) = cache.key(kid).await?;
                if alg != header.alg {
                    return Err(AuthError::AlgorithmNotAllowed(format!("{:?}", header.alg)));
                }
                (key, alg)
            }
        };
        let mut validation = Validation::new(alg);
        validation.leeway = self.leeway_secs;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<Claims>(token, &key, &validation)?.claims;
        if claims.sub.trim().is_empty() {
            return Err(AuthError::EmptySubject);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        if claims.exp.saturating_sub(now) > self.max_lifetime_secs + self.leeway_secs {
            return Err(AuthError::LivesTooLong(self.max_lifetime_secs));
        }
        Ok(claims)
    }
}
