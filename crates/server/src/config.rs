//! Configuration: defaults, then an optional TOML file, then environment
//! variables. A bad value stops start-up with one line naming the variable.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use toolreg_store::DatabaseUrl;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var}: «{value}» {reason}")]
    Invalid {
        var: &'static str,
        value: String,
        reason: String,
    },
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Load the sample data into an empty embedded database on start.
    pub seed: bool,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub pool_size: Option<u32>,
    /// Serve `/bench/ceiling/{bytes}` for the HTTP benchmark's ceiling.
    pub bench_routes: bool,
    pub auth: AuthConfig,
    pub limits: toolreg_api::limits::LimitsConfig,
    pub audit: AuditConfig,
}

/// Signed checkpoints of the audit chain.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// Ed25519 seed (32 bytes, standard base64); generated into the data
    /// dir when absent. Every replica of a PostgreSQL deployment needs the
    /// same one.
    pub signing_key: Option<String>,
    /// Seconds between attempts to sign a new chain head.
    pub checkpoint_interval: u64,
}

/// How tokens are checked. Without a JWKS URL, HS256 with a shared secret:
/// `TOOLREG_JWT_SECRET`, or a secret generated into the data dir.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub jwt_secret: Option<String>,
    pub jwks_url: Option<String>,
    pub issuer: String,
    pub audience: String,
    /// A reviewer may not publish a draft they were the last to edit.
    pub four_eyes: bool,
    /// Seconds a presented token may at most have left to live.
    pub max_lifetime: u64,
}

pub const DEFAULT_ISSUER: &str = "toolreg-local";
pub const DEFAULT_AUDIENCE: &str = "toolreg";

/// The optional TOML file; every key is optional and named like the
/// environment variable without the `TOOLREG_` prefix, in lower case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default, deserialize_with = "scalar")]
    database_url: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    bind: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    data_dir: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    seed: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    log_format: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    log: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    db_pool_size: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    bench_routes: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    jwt_secret: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    jwks_url: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    jwt_issuer: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    jwt_audience: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    four_eyes: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    rate_limit: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    rate_anonymous_per_second: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    rate_anonymous_burst: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    audit_signing_key: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    rate_failed_auth_per_minute: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    jwt_max_lifetime: Option<String>,
    #[serde(default, deserialize_with = "scalar")]
    checkpoint_interval: Option<String>,
}

/// TOML values may be written as strings, booleans or numbers
/// (`seed = false` and `seed = "false"` mean the same); they are read as
/// text and parsed like the environment variables.
fn scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        Text(String),
        Flag(bool),
        Number(i64),
    }
    Ok(Some(match Scalar::deserialize(d)? {
        Scalar::Text(t) => t,
        Scalar::Flag(b) => b.to_string(),
        Scalar::Number(n) => n.to_string(),
    }))
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";

/// Where a value came from, so errors name the right source.
struct Lookup<'a> {
    file: &'a FileConfig,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Lookup<'_> {
    fn get(&self, var: &'static str, from_file: &Option<String>) -> Option<String> {
        (self.env)(var)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| from_file.clone())
    }
}

fn invalid(var: &'static str, value: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        var,
        value: value.to_string(),
        reason: reason.into(),
    }
}

fn parse_bool(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(invalid(var, value, "må være true eller false")),
    }
}

impl Config {
    /// Read from the process environment and, if given, a TOML file.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env = |name: &str| std::env::var(name).ok();
        let file_path = file
            .map(Path::to_path_buf)
            .or_else(|| env("TOOLREG_CONFIG").map(PathBuf::from));
        Self::from_sources(file_path.as_deref(), &env)
    }

    pub fn from_sources(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file_config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| ConfigError::File {
                    path: path.display().to_string(),
                    reason: e.message().to_string(),
                })?
            }
            None => FileConfig::default(),
        };
        let look = Lookup {
            file: &file_config,
            env,
        };

        let data_dir = PathBuf::from(
            look.get("TOOLREG_DATA_DIR", &look.file.data_dir)
                .unwrap_or_else(|| DEFAULT_DATA_DIR.to_string()),
        );
        let database_url = match look.get("TOOLREG_DATABASE_URL", &look.file.database_url) {
            Some(url) => DatabaseUrl::parse(&url)
                .map_err(|e| invalid("TOOLREG_DATABASE_URL", &url, e.to_string()))?,
            None => DatabaseUrl::Sqlite(data_dir.join("toolreg.db")),
        };
        let bind_text = look
            .get("TOOLREG_BIND", &look.file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind = bind_text.parse::<SocketAddr>().map_err(|_| {
            invalid(
                "TOOLREG_BIND",
                &bind_text,
                "er ikke en adresse på formen vert:port, f.eks. 127.0.0.1:8080",
            )
        })?;
        let seed = match look.get("TOOLREG_SEED", &look.file.seed) {
            Some(v) => parse_bool("TOOLREG_SEED", &v)?,
            None => true,
        };
        let log_format = match look
            .get("TOOLREG_LOG_FORMAT", &look.file.log_format)
            .as_deref()
        {
            None | Some("human") | Some("text") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "TOOLREG_LOG_FORMAT",
                    other,
                    "må være human eller json",
                ))
            }
        };
        let log_filter = look
            .get("TOOLREG_LOG", &look.file.log)
            .unwrap_or_else(|| "info".to_string());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| {
            invalid(
                "TOOLREG_LOG",
                &log_filter,
                format!("er ikke et gyldig loggfilter: {e}"),
            )
        })?;
        let pool_size = match look.get("TOOLREG_DB_POOL_SIZE", &look.file.db_pool_size) {
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=512).contains(n))
                    .ok_or_else(|| {
                        invalid(
                            "TOOLREG_DB_POOL_SIZE",
                            &v,
                            "må være et heltall fra 1 til 512",
                        )
                    })?,
            ),
            None => None,
        };
        let bench_routes = match look.get("TOOLREG_BENCH_ROUTES", &look.file.bench_routes) {
            Some(v) => parse_bool("TOOLREG_BENCH_ROUTES", &v)?,
            None => false,
        };
        let jwt_secret = look.get("TOOLREG_JWT_SECRET", &look.file.jwt_secret);
        if let Some(secret) = &jwt_secret {
            if secret.len() < 32 {
                return Err(invalid("TOOLREG_JWT_SECRET", "…", "må ha minst 32 tegn"));
            }
        }
        let jwks_url = look.get("TOOLREG_JWKS_URL", &look.file.jwks_url);
        if let Some(url) = &jwks_url {
            toolreg_core::validation::check_web_url(url)
                .map_err(|e| invalid("TOOLREG_JWKS_URL", url, e))?;
        }
        let four_eyes = match look.get("TOOLREG_FOUR_EYES", &look.file.four_eyes) {
            Some(v) => parse_bool("TOOLREG_FOUR_EYES", &v)?,
            None => true,
        };
        let mut auth = AuthConfig {
            jwt_secret,
            jwks_url,
            issuer: look
                .get("TOOLREG_JWT_ISSUER", &look.file.jwt_issuer)
                .unwrap_or_else(|| DEFAULT_ISSUER.to_string()),
            audience: look
                .get("TOOLREG_JWT_AUDIENCE", &look.file.jwt_audience)
                .unwrap_or_else(|| DEFAULT_AUDIENCE.to_string()),
            four_eyes,
            max_lifetime: toolreg_auth::validator::DEFAULT_MAX_LIFETIME_SECS,
        };
        let mut limits = toolreg_api::limits::LimitsConfig::default();
        if let Some(v) = look.get("TOOLREG_RATE_LIMIT", &look.file.rate_limit) {
            limits.enabled = parse_bool("TOOLREG_RATE_LIMIT", &v)?;
        }
        let positive = |var: &'static str, v: String| {
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid(var, &v, "må være et positivt heltall"))
        };
        if let Some(v) = look.get(
            "TOOLREG_RATE_ANONYMOUS_PER_SECOND",
            &look.file.rate_anonymous_per_second,
        ) {
            limits.anonymous_per_second = positive("TOOLREG_RATE_ANONYMOUS_PER_SECOND", v)?;
        }
        if let Some(v) = look.get(
            "TOOLREG_RATE_ANONYMOUS_BURST",
            &look.file.rate_anonymous_burst,
        ) {
            limits.anonymous_burst = positive("TOOLREG_RATE_ANONYMOUS_BURST", v)?;
        }
        if let Some(v) = look.get(
            "TOOLREG_RATE_FAILED_AUTH_PER_MINUTE",
            &look.file.rate_failed_auth_per_minute,
        ) {
            limits.failed_auth_per_minute = positive("TOOLREG_RATE_FAILED_AUTH_PER_MINUTE", v)?;
        }
        if let Some(v) = look.get("TOOLREG_JWT_MAX_LIFETIME", &look.file.jwt_max_lifetime) {
            auth.max_lifetime = u64::from(positive("TOOLREG_JWT_MAX_LIFETIME", v)?);
        }
        let signing_key = look.get("TOOLREG_AUDIT_SIGNING_KEY", &look.file.audit_signing_key);
        if let Some(k) = &signing_key {
            toolreg_core::checkpoint::CheckpointSigner::from_base64(k)
                .map_err(|e| invalid("TOOLREG_AUDIT_SIGNING_KEY", "…", e.to_string()))?;
        }
        let checkpoint_interval = match look.get(
            "TOOLREG_CHECKPOINT_INTERVAL",
            &look.file.checkpoint_interval,
        ) {
            Some(v) => u64::from(positive("TOOLREG_CHECKPOINT_INTERVAL", v)?),
            None => 600,
        };
        let audit = AuditConfig {
            signing_key,
            checkpoint_interval,
        };
        Ok(Self {
            audit,
            limits,
            auth,
            database_url,
            bind,
            data_dir,
            seed,
            log_format,
            log_filter,
            pool_size,
            bench_routes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let c = Config::from_sources(None, &env(&[])).map_err(|e| e.to_string());
        let c = c
            .as_ref()
            .map(|c| (c.bind.to_string(), c.database_url.clone(), c.seed));
        assert_eq!(
            c,
            Ok((
                "127.0.0.1:8080".to_string(),
                DatabaseUrl::Sqlite(PathBuf::from("./data/toolreg.db")),
                true
            ))
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = |pairs: &[(&str, &str)]| {
            Config::from_sources(None, &env(pairs))
                .err()
                .map(|e| e.to_string())
        };
        assert_eq!(
            err(&[("TOOLREG_BIND", "localhost")]).as_deref(),
            Some("TOOLREG_BIND: «localhost» er ikke en adresse på formen vert:port, f.eks. 127.0.0.1:8080")
        );
        assert!(err(&[("TOOLREG_SEED", "maybe")]).is_some_and(|e| e.starts_with("TOOLREG_SEED:")));
        assert!(err(&[("TOOLREG_DATABASE_URL", "mysql://x/y")])
            .is_some_and(|e| e.starts_with("TOOLREG_DATABASE_URL:")));
        assert!(err(&[("TOOLREG_LOG_FORMAT", "xml")])
            .is_some_and(|e| e.starts_with("TOOLREG_LOG_FORMAT:")));
        assert!(err(&[("TOOLREG_DB_POOL_SIZE", "0")])
            .is_some_and(|e| e.starts_with("TOOLREG_DB_POOL_SIZE:")));
    }

    #[test]
    fn file_is_read_and_environment_wins() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("tempdir") };
        let path = dir.path().join("toolreg.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\nseed = false\ndb_pool_size = 4\ndata_dir = \"/var/lib/toolreg\"\n",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
        let c = Config::from_sources(Some(&path), &env(&[("TOOLREG_BIND", "127.0.0.1:9001")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.bind.to_string(), "127.0.0.1:9001");
        assert!(!c.seed, "a TOML boolean works like the text");
        assert_eq!(c.pool_size, Some(4), "a TOML number works like the text");
        assert_eq!(
            c.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("/var/lib/toolreg/toolreg.db"))
        );
        std::fs::write(&path, "colour = \"red\"\n").unwrap_or_else(|e| panic!("write: {e}"));
        let err = Config::from_sources(Some(&path), &env(&[]))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("toolreg.toml") && err.contains("colour"),
            "{err}"
        );
    }
}
