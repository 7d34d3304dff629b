//! The HS256 secret of the embedded default: generated into the data dir on
//! first start when none is configured, readable by the owner only.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::io::Write;
use std::path::Path;

pub const SECRET_FILE: &str = "jwt-secret";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("kan ikke lese eller skrive {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("tilfeldige tall er ikke tilgjengelige: {0}")]
    Random(String),
    #[error("{path} er for kort (minst 32 tegn)")]
    TooShort { path: String },
}

/// Read the secret from `dir/jwt-secret`, creating it (mode 0600) if absent.
pub fn load_or_create(dir: &Path) -> Result<Vec<u8>, SecretError> {
    let path = dir.join(SECRET_FILE);
    let text = load_or_create_text(dir, SECRET_FILE, |bytes: [u8; 48]| {
        URL_SAFE_NO_PAD.encode(bytes)
    })?;
    if text.len() < 32 {
        return Err(SecretError::TooShort {
            path: path.display().to_string(),
        });
    }
    Ok(text.into_bytes())
}

/// The Ed25519 seed that signs audit checkpoints, as standard base64, from
/// `dir/audit-signing-key`, created (mode 0600) if absent.
pub fn load_or_create_audit_key(dir: &Path) -> Result<String, SecretError> {
    load_or_create_text(dir, AUDIT_KEY_FILE, |bytes: [u8; 32]| {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    })
}

pub const AUDIT_KEY_FILE: &str = "audit-signing-key";

/// Whether a key file is already there (so callers can say when they made
/// a new one).
pub fn exists(dir: &Path, name: &str) -> bool {
    dir.join(name).exists()
}

/// The trimmed text of `dir/name`, or `encode`d fresh random bytes written
/// there first, readable by the owner only.
fn load_or_create_text<const N: usize>(
    dir: &Path,
    name: &str,
    encode: impl FnOnce([u8; N]) -> String,
) -> Result<String, SecretError> {
    let path = dir.join(name);
    let io = |source| SecretError::Io {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text.trim().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io)?;
            let mut bytes = [0u8; N];
            getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
            let text = encode(bytes);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&path).map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            Ok(text)
        }
        Err(e) => Err(io(e)),
    }
}
