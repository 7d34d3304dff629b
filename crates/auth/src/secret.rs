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
    let io = |source| SecretError::Io {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().as_bytes().to_vec();
            if secret.len() < 32 {
                return Err(SecretError::TooShort {
                    path: path.display().to_string(),
                });
            }
            Ok(secret)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io)?;
            let mut bytes = [0u8; 48];
            getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
            let text = URL_SAFE_NO_PAD.encode(bytes);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&path).map_err(io)?;
            file.write_all(text.as_bytes()).map_err(io)?;
            Ok(text.into_bytes())
        }
        Err(e) => Err(io(e)),
    }
}
