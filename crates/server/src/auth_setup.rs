//! Building the token validator from the configuration.

use crate::config::{AuthConfig, Config};
use std::sync::Arc;
use std::time::Duration;
use toolreg_auth::jwks::JwksCache;
use toolreg_auth::secret::{load_or_create, SecretError};
use toolreg_auth::{KeySource, Validator};

/// The shared secret: configured, or generated into the data dir.
/// Said on stderr when it is new: a token minted with a fresh secret is
/// refused by a server started with another data dir.
pub fn shared_secret(config: &Config) -> Result<Vec<u8>, SecretError> {
    match &config.auth.jwt_secret {
        Some(s) => Ok(s.as_bytes().to_vec()),
        None => {
            let new =
                !toolreg_auth::secret::exists(&config.data_dir, toolreg_auth::secret::SECRET_FILE);
            let secret = load_or_create(&config.data_dir)?;
            if new {
                eprintln!(
                    "toolreg: laget ny tokenhemmelighet i {}",
                    config
                        .data_dir
                        .join(toolreg_auth::secret::SECRET_FILE)
                        .display()
                );
            }
            Ok(secret)
        }
    }
}

/// The key that signs audit checkpoints: configured, or generated into the
/// data dir (said on stderr when it is new, since replicas must share it).
pub fn checkpoint_signer(
    config: &Config,
) -> Result<toolreg_core::checkpoint::CheckpointSigner, SecretError> {
    use toolreg_auth::secret::{exists, load_or_create_audit_key, AUDIT_KEY_FILE};
    let seed = match &config.audit.signing_key {
        Some(k) => k.clone(),
        None => {
            let new = !exists(&config.data_dir, AUDIT_KEY_FILE);
            let seed = load_or_create_audit_key(&config.data_dir)?;
            if new {
                eprintln!(
                    "toolreg: laget ny signeringsnøkkel for revisjonssporet i {}",
                    config.data_dir.join(AUDIT_KEY_FILE).display()
                );
            }
            seed
        }
    };
    toolreg_core::checkpoint::CheckpointSigner::from_base64(&seed).map_err(|e| SecretError::Io {
        path: config.data_dir.join(AUDIT_KEY_FILE).display().to_string(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
    })
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
    Ok(Validator::new(issuer.clone(), audience.clone(), source)
        .with_max_lifetime(config.auth.max_lifetime))
}
