//! Configuration: defaults, then an optional TOML file, then environment
//! variables. A bad value stops start-up with one line naming the variable.

use std::collections::BTreeMap;
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
    /// Answer each request's database work in `Server-Timing`.
    pub server_timing: bool,
    /// Bytes of rendered responses kept (0: no response cache).
    pub response_cache_bytes: usize,
    /// The largest document upload, in bytes.
    pub document_max_bytes: u64,
    pub auth: AuthConfig,
    pub limits: toolreg_api::limits::LimitsConfig,
    pub audit: AuditConfig,
    pub search: SearchConfig,
    pub notify: NotifyConfig,
}

/// Change notifications: whether this process sends them, where links in
/// them point, and which webhook targets are allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyConfig {
    /// Run the fan-out and delivery worker in this process (several
    /// replicas on one PostgreSQL share the work).
    pub deliver: bool,
    /// The service's public address, for links in webhooks and feeds.
    pub public_url: String,
    pub targets: toolreg_notify::target::TargetPolicy,
    /// Seconds a worker holds its claims.
    pub lease: u32,
    /// Where e-mail goes out; none: e-mail deliveries wait.
    pub email: Option<EmailConfig>,
}

/// The SMTP relay and the sender's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailConfig {
    pub smtp_url: String,
    pub from: String,
}

/// Which search backend, and whether this process feeds it.
#[derive(Debug, Clone)]
pub struct SearchConfig {
    /// Meilisearch; `None` for the embedded tantivy index.
    pub meilisearch: Option<MeilisearchConfig>,
    /// Whether this process runs the indexer.
    pub follow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeilisearchConfig {
    pub url: String,
    pub api_key: Option<String>,
    pub index_prefix: String,
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

/// The optional TOML file: keys named like the settings without the
/// `TOOLREG_` prefix, in lower case (`settings::file_key`). Values may be
/// written as strings, booleans or numbers (`seed = false` and
/// `seed = "false"` mean the same); they are read as text and parsed like
/// the environment variables.
fn read_file(path: &Path) -> Result<BTreeMap<String, String>, ConfigError> {
    let file_error = |reason: String| ConfigError::File {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| file_error(e.message().to_string()))?;
    let known: Vec<String> = crate::settings::SETTINGS
        .iter()
        .filter(|s| s.name != crate::settings::CONFIG_FILE)
        .map(|s| crate::settings::file_key(s.name))
        .collect();
    let mut values = BTreeMap::new();
    for (key, value) in table {
        if !known.contains(&key) {
            return Err(file_error(format!(
                "ukjent nøkkel «{key}»; gyldige nøkler er {}",
                known.join(", ")
            )));
        }
        let text = match value {
            toml::Value::String(t) => t,
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Integer(n) => n.to_string(),
            other => {
                return Err(file_error(format!(
                    "«{key}» må være tekst, tall eller true/false, ikke {}",
                    other.type_str()
                )))
            }
        };
        values.insert(key, text);
    }
    Ok(values)
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";

/// A setting's raw value: the environment first, then the file.
struct Lookup<'a> {
    file: &'a BTreeMap<String, String>,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Lookup<'_> {
    fn get(&self, var: &'static str) -> Option<String> {
        debug_assert!(
            crate::settings::find(var).is_some(),
            "{var} is not in the settings table"
        );
        (self.env)(var)
            .filter(|v| !v.trim().is_empty())
            .or_else(|| self.file.get(&crate::settings::file_key(var)).cloned())
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
        Self::from_sources(file, &env)
    }

    pub fn from_sources(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file_config = match file {
            Some(path) => read_file(path)?,
            None => BTreeMap::new(),
        };
        let look = Lookup {
            file: &file_config,
            env,
        };

        let data_dir = PathBuf::from(
            look.get("TOOLREG_DATA_DIR")
                .unwrap_or_else(|| DEFAULT_DATA_DIR.to_string()),
        );
        let database_url = match look.get("TOOLREG_DATABASE_URL") {
            Some(url) => DatabaseUrl::parse(&url)
                .map_err(|e| invalid("TOOLREG_DATABASE_URL", &url, e.to_string()))?,
            None => DatabaseUrl::Sqlite(data_dir.join("toolreg.db")),
        };
        let bind_text = look
            .get("TOOLREG_BIND")
            .unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind = bind_text.parse::<SocketAddr>().map_err(|_| {
            invalid(
                "TOOLREG_BIND",
                &bind_text,
                "er ikke en adresse på formen vert:port, f.eks. 127.0.0.1:8080",
            )
        })?;
        let seed = match look.get("TOOLREG_SEED") {
            Some(v) => parse_bool("TOOLREG_SEED", &v)?,
            None => true,
        };
        let log_format = match look.get("TOOLREG_LOG_FORMAT").as_deref() {
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
            .get("TOOLREG_LOG")
            .unwrap_or_else(|| "info".to_string());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| {
            invalid(
                "TOOLREG_LOG",
                &log_filter,
                format!("er ikke et gyldig loggfilter: {e}"),
            )
        })?;
        let pool_size = match look.get("TOOLREG_DB_POOL_SIZE") {
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
        let bench_routes = match look.get("TOOLREG_BENCH_ROUTES") {
            Some(v) => parse_bool("TOOLREG_BENCH_ROUTES", &v)?,
            None => false,
        };
        let server_timing = match look.get("TOOLREG_SERVER_TIMING") {
            Some(v) => parse_bool("TOOLREG_SERVER_TIMING", &v)?,
            None => false,
        };
        let response_cache_bytes = match look.get("TOOLREG_RESPONSE_CACHE_MIB") {
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= 65_536)
                .map(|mib| mib * 1024 * 1024)
                .ok_or_else(|| {
                    invalid(
                        "TOOLREG_RESPONSE_CACHE_MIB",
                        &v,
                        "må være et heltall fra 0 til 65536",
                    )
                })?,
            None => toolreg_api::state::RESPONSE_CACHE_BYTES,
        };
        let jwt_secret = look.get("TOOLREG_JWT_SECRET");
        if let Some(secret) = &jwt_secret {
            if secret.len() < 32 {
                return Err(invalid("TOOLREG_JWT_SECRET", "…", "må ha minst 32 tegn"));
            }
        }
        let jwks_url = look.get("TOOLREG_JWKS_URL");
        if let Some(url) = &jwks_url {
            toolreg_core::validation::check_web_url(url)
                .map_err(|e| invalid("TOOLREG_JWKS_URL", url, e))?;
        }
        let four_eyes = match look.get("TOOLREG_FOUR_EYES") {
            Some(v) => parse_bool("TOOLREG_FOUR_EYES", &v)?,
            None => true,
        };
        let mut auth = AuthConfig {
            jwt_secret,
            jwks_url,
            issuer: look
                .get("TOOLREG_JWT_ISSUER")
                .unwrap_or_else(|| DEFAULT_ISSUER.to_string()),
            audience: look
                .get("TOOLREG_JWT_AUDIENCE")
                .unwrap_or_else(|| DEFAULT_AUDIENCE.to_string()),
            four_eyes,
            max_lifetime: toolreg_auth::validator::DEFAULT_MAX_LIFETIME_SECS,
        };
        let mut limits = toolreg_api::limits::LimitsConfig::default();
        if let Some(v) = look.get("TOOLREG_RATE_LIMIT") {
            limits.enabled = parse_bool("TOOLREG_RATE_LIMIT", &v)?;
        }
        let positive = |var: &'static str, v: String| {
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid(var, &v, "må være et positivt heltall"))
        };
        if let Some(v) = look.get("TOOLREG_RATE_ANONYMOUS_PER_SECOND") {
            limits.anonymous_per_second = positive("TOOLREG_RATE_ANONYMOUS_PER_SECOND", v)?;
        }
        if let Some(v) = look.get("TOOLREG_RATE_ANONYMOUS_BURST") {
            limits.anonymous_burst = positive("TOOLREG_RATE_ANONYMOUS_BURST", v)?;
        }
        if let Some(v) = look.get("TOOLREG_RATE_FAILED_AUTH_PER_MINUTE") {
            limits.failed_auth_per_minute = positive("TOOLREG_RATE_FAILED_AUTH_PER_MINUTE", v)?;
        }
        if let Some(v) = look.get("TOOLREG_JWT_MAX_LIFETIME") {
            auth.max_lifetime = u64::from(positive("TOOLREG_JWT_MAX_LIFETIME", v)?);
        }
        let signing_key = look.get("TOOLREG_AUDIT_SIGNING_KEY");
        if let Some(k) = &signing_key {
            toolreg_core::checkpoint::CheckpointSigner::from_base64(k)
                .map_err(|e| invalid("TOOLREG_AUDIT_SIGNING_KEY", "…", e.to_string()))?;
        }
        let checkpoint_interval = match look.get("TOOLREG_CHECKPOINT_INTERVAL") {
            Some(v) => u64::from(positive("TOOLREG_CHECKPOINT_INTERVAL", v)?),
            None => 600,
        };
        let audit = AuditConfig {
            signing_key,
            checkpoint_interval,
        };
        // Every search setting is read (and checked) whether or not
        // Meilisearch is configured, so a typo shows at once.
        let index_prefix = look
            .get("TOOLREG_SEARCH_INDEX")
            .unwrap_or_else(|| "toolreg".to_string());
        let valid_prefix = !index_prefix.is_empty()
            && index_prefix.len() <= 64
            && index_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid_prefix {
            return Err(invalid(
                "TOOLREG_SEARCH_INDEX",
                &index_prefix,
                "må være 1–64 tegn: a–z, A–Z, 0–9, - og _",
            ));
        }
        let api_key = look.get("TOOLREG_SEARCH_API_KEY");
        let meilisearch = match look.get("TOOLREG_SEARCH_URL") {
            None => None,
            Some(url) => {
                let valid = url::Url::parse(&url)
                    .ok()
                    .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
                if !valid {
                    return Err(invalid(
                        "TOOLREG_SEARCH_URL",
                        &url,
                        "må være en http- eller https-adresse til Meilisearch",
                    ));
                }
                Some(MeilisearchConfig {
                    url,
                    api_key,
                    index_prefix,
                })
            }
        };
        let search = SearchConfig {
            meilisearch,
            follow: match look.get("TOOLREG_SEARCH_FOLLOW") {
                Some(v) => parse_bool("TOOLREG_SEARCH_FOLLOW", &v)?,
                None => true,
            },
        };
        let public_url = look
            .get("TOOLREG_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"));
        let public_ok = url::Url::parse(&public_url)
            .ok()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !public_ok {
            return Err(invalid(
                "TOOLREG_PUBLIC_URL",
                &public_url,
                "må være tjenestens offentlige http- eller https-adresse",
            ));
        }
        let flag = |name: &'static str, default: bool| match look.get(name) {
            Some(v) => parse_bool(name, &v),
            None => Ok(default),
        };
        let smtp_from = look.get("TOOLREG_SMTP_FROM");
        let email = match look.get("TOOLREG_SMTP_URL") {
            None => None,
            Some(smtp_url) => {
                // No default sender: a relay refuses an address it does not
                // know, and the operator knows which one it accepts.
                let from = smtp_from.ok_or_else(|| {
                    invalid(
                        "TOOLREG_SMTP_FROM",
                        "",
                        "må settes når TOOLREG_SMTP_URL er satt (f.eks. «Verktøyregisteret <varsel@kommune.example>»)",
                    )
                })?;
                // Built once here so a wrong URL or address stops the start
                // with a clear message, not the first letter.
                toolreg_notify::email::EmailSender::new(&smtp_url, &from).map_err(|e| match e {
                    toolreg_notify::email::EmailSetupError::Url(why) => {
                        invalid("TOOLREG_SMTP_URL", "(skjult)", why)
                    }
                    toolreg_notify::email::EmailSetupError::From(why) => {
                        invalid("TOOLREG_SMTP_FROM", &from, why)
                    }
                })?;
                Some(EmailConfig { smtp_url, from })
            }
        };
        let notify = NotifyConfig {
            email,
            deliver: flag("TOOLREG_NOTIFY_DELIVER", true)?,
            lease: match look.get("TOOLREG_NOTIFY_LEASE") {
                Some(v) => positive("TOOLREG_NOTIFY_LEASE", v)?,
                None => 120,
            },
            public_url,
            targets: toolreg_notify::target::TargetPolicy {
                allow_http: flag("TOOLREG_WEBHOOK_ALLOW_HTTP", false)?,
                allow_private: flag("TOOLREG_WEBHOOK_ALLOW_PRIVATE", false)?,
            },
        };
        let document_max_bytes = match look.get("TOOLREG_DOCUMENT_MAX_BYTES") {
            None => toolreg_api::state::DEFAULT_DOCUMENT_MAX_BYTES,
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=1 << 30).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "TOOLREG_DOCUMENT_MAX_BYTES",
                        &v,
                        "må være et antall byte fra 1 til 1073741824 (1 GiB)",
                    )
                })?,
        };
        Ok(Self {
            document_max_bytes,
            notify,
            search,
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
            server_timing,
            response_cache_bytes,
        })
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
