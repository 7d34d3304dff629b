//! Signed checkpoints of the audit chain: the server signs the head of the
//! chain (sequence, entry hash, time) with an Ed25519 key; anyone who keeps
//! the checkpoints can later prove that history up to each one was neither
//! truncated nor rewritten, as Certificate Transparency's signed tree heads
//! allow for certificate logs.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A signed statement: "the audit chain had this entry hash at this
/// sequence at this time".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checkpoint {
    pub sequence: i64,
    pub entry_hash: String,
    pub time: DateTime<Utc>,
    /// Which key signed (see `PublicKey::key_id`).
    pub key_id: String,
    /// Ed25519 signature of `signed_message()`, standard base64.
    pub signature: String,
}

/// The exact bytes signed: a domain tag and the three fields, one a line.
pub fn signed_message(sequence: i64, entry_hash: &str, time: DateTime<Utc>) -> String {
    format!(
        "toolreg-audit-checkpoint-v1\n{sequence}\n{entry_hash}\n{}",
        time.to_rfc3339_opts(SecondsFormat::Micros, true)
    )
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("nøkkelen må være 32 byte base64 (Ed25519-frø)")]
    BadKey,
    #[error("sjekkpunkt {sequence} er signert med en annen nøkkel ({key_id})")]
    OtherKey { sequence: i64, key_id: String },
    #[error("signaturen på sjekkpunkt {0} er ugyldig")]
    BadSignature(i64),
}

/// The signing half, kept by the server.
pub struct CheckpointSigner {
    key: SigningKey,
}

impl std::fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckpointSigner")
            .field("key_id", &self.public().key_id)
            .finish_non_exhaustive()
    }
}

impl CheckpointSigner {
    /// From the 32-byte seed, standard base64 (as stored in the data dir or
    /// given as `TOOLREG_AUDIT_SIGNING_KEY`).
    pub fn from_base64(seed: &str) -> Result<Self, CheckpointError> {
        let bytes: [u8; 32] = STANDARD
            .decode(seed.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadKey)?;
        Ok(Self::from_seed(bytes))
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            key: SigningKey::from_bytes(&seed),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::from_verifying(self.key.verifying_key())
    }

    pub fn sign(&self, sequence: i64, entry_hash: &str, time: DateTime<Utc>) -> Checkpoint {
        let signature = self
            .key
            .sign(signed_message(sequence, entry_hash, time).as_bytes());
        Checkpoint {
            sequence,
            entry_hash: entry_hash.to_string(),
            time,
            key_id: self.public().key_id,
            signature: STANDARD.encode(signature.to_bytes()),
        }
    }
}

/// The verifying half, published at a well-known address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    /// "OKP", as in a JSON Web Key (RFC 8037).
    pub kty: String,
    /// "Ed25519".
    pub crv: String,
    /// The 32-byte public key, base64url without padding.
    pub x: String,
    /// First 16 hex digits of SHA-256 of the key bytes.
    pub key_id: String,
}

impl PublicKey {
    fn from_verifying(key: VerifyingKey) -> Self {
        let bytes = key.to_bytes();
        let digest = Sha256::digest(bytes);
        Self {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: URL_SAFE_NO_PAD.encode(bytes),
            key_id: digest.iter().take(8).map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// From `x` (base64url, with or without padding).
    pub fn from_x(x: &str) -> Result<Self, CheckpointError> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(x.trim().trim_end_matches('='))
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadKey)?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| CheckpointError::BadKey)?;
        Ok(Self::from_verifying(key))
    }

    /// Check a checkpoint's signature with this key.
    pub fn verify(&self, c: &Checkpoint) -> Result<(), CheckpointError> {
        if c.key_id != self.key_id {
            return Err(CheckpointError::OtherKey {
                sequence: c.sequence,
                key_id: c.key_id.clone(),
            });
        }
        let bad = || CheckpointError::BadSignature(c.sequence);
        let key_bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&self.x)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadKey)?;
        let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| CheckpointError::BadKey)?;
        let sig_bytes: [u8; 64] = STANDARD
            .decode(&c.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        key.verify(
            signed_message(c.sequence, &c.entry_hash, c.time).as_bytes(),
            &Signature::from_bytes(&sig_bytes),
        )
        .map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_checkpoints_verify_and_any_change_breaks_them() {
        let signer = CheckpointSigner::from_seed([7; 32]);
        let key = signer.public();
        let time = DateTime::<Utc>::UNIX_EPOCH;
        let c = signer.sign(42, "ab".repeat(32).as_str(), time);
        assert_eq!(key.verify(&c), Ok(()));
        let round = PublicKey::from_x(&key.x).map(|k| k.verify(&c));
        assert_eq!(round, Ok(Ok(())));
        let mut shorter = c.clone();
        shorter.sequence = 41;
        assert_eq!(key.verify(&shorter), Err(CheckpointError::BadSignature(41)));
        let mut other = c.clone();
        other.entry_hash = "cd".repeat(32);
        assert!(key.verify(&other).is_err());
        let stranger = CheckpointSigner::from_seed([8; 32]).public();
        assert!(matches!(
            stranger.verify(&c),
            Err(CheckpointError::OtherKey { .. })
        ));
    }

    #[test]
    fn keys_load_from_base64_seeds_only() {
        let seed = STANDARD.encode([1u8; 32]);
        assert!(CheckpointSigner::from_base64(&seed).is_ok());
        assert!(CheckpointSigner::from_base64("kort").is_err());
    }
}
