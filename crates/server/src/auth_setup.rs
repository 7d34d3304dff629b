//! Building the token validator from the configuration.

use crate::config::{AuthConfig, Config};
use std::sync::Arc;
use std::time::Duration;
use toolreg_auth::jwks::JwksCache;
use toolreg_auth::secret::{load_or_create, SecretError};
use toolreg_auth::{KeySource, Validator};

/// The shared secret: configured, or generated into the data dir.
pub fn shared_secret(config: &Config) -> Result<Vec<u8>, SecretError> {
    match &config.auth.jwt_secret {
        Some(s) => Ok(s.as_bytes().to_vec()),
        None => load_or_create(&config.data_dir),
    }
}

pub fn validator(config: &Config) -> Result<Validator, SecretError> {
    let AuthConfig {
        issuer,
        audience,
        jwks_url,
        ..
    } = &config.auth;
    let source = match jwks_url {
        // Refresh on an unknown kid at most once a minute.
        Some(url) => KeySource::Jwks(Arc::new(JwksCache::new(
            url.clone(),
            Duration::from_secs(60),
        ))),
        None => KeySource::Shared(shared_secret(config)?),
    };
    Ok(Validator::new(issuer.clone(), audience.clone(), source))
}
