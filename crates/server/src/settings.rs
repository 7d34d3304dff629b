//! Every setting, declared once: its environment variable, its default and
//! what it means. The table drives the configuration file's keys (the name
//! without `TOOLREG_`, lower case), `toolreg check-config`, and tests that
//! hold `deploy/toolreg.example.toml` and the README's table to it.

#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The environment variable.
    pub name: &'static str,
    /// The default, as people read it.
    pub default: &'static str,
    pub meaning: &'static str,
    /// Never printed: `check-config` shows only whether it is set.
    pub secret: bool,
}

const fn setting(name: &'static str, default: &'static str, meaning: &'static str) -> Setting {
    Setting {
        name,
        default,
        meaning,
        secret: false,
    }
}

const fn secret(name: &'static str, default: &'static str, meaning: &'static str) -> Setting {
    Setting {
        name,
        default,
        meaning,
        secret: true,
    }
}

pub const CONFIG_FILE: &str = "TOOLREG_CONFIG";

pub const SETTINGS: &[Setting] = &[
    secret(
        "TOOLREG_DATABASE_URL",
        "sqlite://$TOOLREG_DATA_DIR/toolreg.db",
        "postgres://… for PostgreSQL, sqlite://path (or a plain path) for SQLite",
    ),
    setting(
        "TOOLREG_BIND",
        "127.0.0.1:8080",
        "address and port to listen on (…:0 picks a free port)",
    ),
    setting(
        "TOOLREG_DATA_DIR",
        "./data",
        "where the embedded database, generated keys and the embedded search index live",
    ),
    setting(
        "TOOLREG_SEED",
        "true",
        "load the sample data into an empty embedded database on start",
    ),
    setting(
        "TOOLREG_LOG_FORMAT",
        "human",
        "json for one JSON object per log line",
    ),
    setting("TOOLREG_LOG", "info", "log filter, e.g. info,toolreg=debug"),
    setting(
        "TOOLREG_DB_POOL_SIZE",
        "8 (SQLite), 16 (PostgreSQL)",
        "connections in the pool, 1–512",
    ),
    setting(CONFIG_FILE, "—", "path of the TOML file"),
    secret(
        "TOOLREG_JWT_SECRET",
        "generated into $TOOLREG_DATA_DIR/jwt-secret",
        "HS256 secret (at least 32 characters)",
    ),
    setting(
        "TOOLREG_JWKS_URL",
        "—",
        "use RS256/ES256 keys from this JWKS instead of the secret",
    ),
    setting("TOOLREG_JWT_ISSUER", "toolreg-local", "required iss"),
    setting("TOOLREG_JWT_AUDIENCE", "toolreg", "required aud"),
    setting(
        "TOOLREG_FOUR_EYES",
        "true",
        "a reviewer may not publish their own last edit",
    ),
    setting(
        "TOOLREG_RATE_LIMIT",
        "true",
        "per-client limits: anonymous requests, and clients whose tokens keep failing (429 with Retry-After)",
    ),
    setting(
        "TOOLREG_RATE_ANONYMOUS_PER_SECOND",
        "50",
        "anonymous requests per second per client address",
    ),
    setting(
        "TOOLREG_RATE_ANONYMOUS_BURST",
        "200",
        "burst allowed above that",
    ),
    setting(
        "TOOLREG_RATE_FAILED_AUTH_PER_MINUTE",
        "20",
        "bad tokens per minute per client address before its further bad tokens get 429 (a valid token always passes)",
    ),
    setting(
        "TOOLREG_JWT_MAX_LIFETIME",
        "86400",
        "seconds a presented token may at most have left to live; toolreg token --ttl refuses more",
    ),
    setting(
        "TOOLREG_RESPONSE_CACHE_MIB",
        "64",
        "MiB of rendered responses (tools, pages of tools) kept in memory; 0 turns the cache off",
    ),
    setting(
        "TOOLREG_SERVER_TIMING",
        "false",
        "answer each request's database statements and their time in a Server-Timing header (tells clients how the service works inside)",
    ),
    setting(
        "TOOLREG_BENCH_ROUTES",
        "false",
        "serve /bench/ceiling/{bytes}, the HTTP benchmark's ceiling; never in production",
    ),
    secret(
        "TOOLREG_AUDIT_SIGNING_KEY",
        "generated into $TOOLREG_DATA_DIR/audit-signing-key",
        "Ed25519 seed (32 bytes, base64) that signs audit checkpoints; replicas must share it",
    ),
    setting(
        "TOOLREG_CHECKPOINT_INTERVAL",
        "600",
        "seconds between signed checkpoints of the audit trail's head",
    ),
    setting(
        "TOOLREG_SEARCH_URL",
        "—",
        "Meilisearch to search with (http://…); unset, an embedded tantivy index under $TOOLREG_DATA_DIR/search",
    ),
    secret(
        "TOOLREG_SEARCH_API_KEY",
        "—",
        "Meilisearch API key allowed to manage documents and settings",
    ),
    setting(
        "TOOLREG_SEARCH_INDEX",
        "toolreg",
        "prefix of the Meilisearch indexes ({prefix}_tools, {prefix}_state)",
    ),
    setting(
        "TOOLREG_SEARCH_FOLLOW",
        "true",
        "this process keeps the search index in step with the event log; with Meilisearch and several replicas, one is enough",
    ),
    setting(
        "TOOLREG_PUBLIC_URL",
        "http://$TOOLREG_BIND",
        "the service's public address, for links in webhooks, e-mail and feeds",
    ),
    setting(
        "TOOLREG_NOTIFY_DELIVER",
        "true",
        "this process fans events out to subscriptions and delivers them; replicas on one PostgreSQL share the work",
    ),
    setting(
        "TOOLREG_NOTIFY_LEASE",
        "120",
        "seconds a worker holds the deliveries it claimed; a crashed worker's are sent again after this",
    ),
    setting(
        "TOOLREG_DOCUMENT_MAX_BYTES",
        "26214400 (25 MiB)",
        "the largest document a vendor may upload; document bytes live under $TOOLREG_DATA_DIR/blobs (SQLite) or in the database (PostgreSQL)",
    ),
    secret(
        "TOOLREG_SMTP_URL",
        "— (e-mail deliveries wait)",
        "SMTP relay for e-mail notifications: smtp://host:587?tls=required, smtps://user:password@host:465, smtp://host:25 (no TLS)",
    ),
    setting(
        "TOOLREG_SMTP_FROM",
        "— (required with TOOLREG_SMTP_URL)",
        "the sender of e-mail notifications, e.g. Verktøyregisteret <varsel@kommune.example>",
    ),
    setting(
        "TOOLREG_WEBHOOK_ALLOW_HTTP",
        "false",
        "allow webhook URLs with plain http (tests, a laptop); otherwise https only",
    ),
    setting(
        "TOOLREG_WEBHOOK_ALLOW_PRIVATE",
        "false",
        "allow webhook targets on loopback, private, link-local and other internal addresses (tests, a laptop); never in production",
    ),
];

/// The setting's key in the TOML file.
pub fn file_key(name: &str) -> String {
    name.trim_start_matches("TOOLREG_").to_ascii_lowercase()
}

pub fn find(name: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    fn repo_file(path: &str) -> String {
        let at = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path);
        std::fs::read_to_string(&at).unwrap_or_else(|e| panic!("{}: {e}", at.display()))
    }

    #[test]
    fn names_are_unique_and_prefixed() {
        let names: BTreeSet<&str> = SETTINGS.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), SETTINGS.len());
        assert!(SETTINGS.iter().all(|s| s.name.starts_with("TOOLREG_")));
    }

    #[test]
    fn the_example_file_lists_every_setting() {
        let text = repo_file("deploy/toolreg.example.toml");
        let missing: Vec<&str> = SETTINGS
            .iter()
            .filter(|s| s.name != CONFIG_FILE)
            .filter(|s| {
                let key = file_key(s.name);
                !text.lines().any(|l| {
                    let l = l.trim_start_matches('#').trim_start();
                    l.starts_with(&format!("{key} ="))
                })
            })
            .map(|s| s.name)
            .collect();
        assert!(missing.is_empty(), "not in the example file: {missing:?}");
    }

    #[test]
    fn the_readme_table_is_the_settings_table() {
        let text = repo_file("README.md");
        let in_readme: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("| `TOOLREG_"))
            .filter_map(|rest| rest.split('`').next())
            .map(|n| format!("TOOLREG_{n}"))
            .collect();
        let declared: BTreeSet<String> = SETTINGS.iter().map(|s| s.name.to_string()).collect();
        assert_eq!(in_readme, declared, "README table vs settings table");
    }
}
