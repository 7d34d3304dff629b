//! Tests of `config`.

use super::*;
use std::collections::HashMap;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

/// Parsing reads every setting of the table (the config file's own
/// variable is read before, by `load`), and nothing else.
#[test]
fn parsing_reads_exactly_the_settings_table() {
    let asked = std::cell::RefCell::new(std::collections::BTreeSet::new());
    let env = |name: &str| {
        asked.borrow_mut().insert(name.to_string());
        None
    };
    Config::from_sources(None, &env).expect("defaults");
    let declared: std::collections::BTreeSet<String> = crate::settings::SETTINGS
        .iter()
        .filter(|s| s.name != crate::settings::CONFIG_FILE)
        .map(|s| s.name.to_string())
        .collect();
    assert_eq!(asked.into_inner(), declared);
}

#[test]
fn the_example_file_parses() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/toolreg.example.toml");
    let c = Config::from_sources(Some(&path), &env(&[])).map_err(|e| e.to_string());
    assert!(c.is_ok(), "{c:?}");
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
    assert!(
        err(&[("TOOLREG_LOG_FORMAT", "xml")]).is_some_and(|e| e.starts_with("TOOLREG_LOG_FORMAT:"))
    );
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

#[test]
fn search_is_embedded_unless_a_meilisearch_url_is_given() {
    let c = Config::from_sources(None, &env(&[])).expect("defaults");
    assert_eq!(c.search.meilisearch, None);
    assert!(c.search.follow);
    let c = Config::from_sources(
        None,
        &env(&[
            ("TOOLREG_SEARCH_URL", "http://127.0.0.1:7700"),
            ("TOOLREG_SEARCH_API_KEY", "nøkkel"),
            ("TOOLREG_SEARCH_FOLLOW", "false"),
        ]),
    )
    .expect("meilisearch");
    assert_eq!(
        c.search.meilisearch,
        Some(MeilisearchConfig {
            url: "http://127.0.0.1:7700".into(),
            api_key: Some("nøkkel".into()),
            index_prefix: "toolreg".into(),
        })
    );
    assert!(!c.search.follow);
    for (name, value) in [
        ("TOOLREG_SEARCH_URL", "127.0.0.1:7700"),
        ("TOOLREG_SEARCH_URL", "ftp://search"),
        ("TOOLREG_SEARCH_INDEX", "tools index"),
        ("TOOLREG_SEARCH_FOLLOW", "kanskje"),
    ] {
        let e = Config::from_sources(None, &env(&[(name, value)])).expect_err(value);
        assert!(e.to_string().contains(name), "{e}");
    }
}

#[test]
fn notifications_are_strict_unless_told_otherwise() {
    let c = Config::from_sources(None, &env(&[])).expect("defaults");
    assert!(c.notify.deliver);
    assert_eq!(c.notify.lease, 120);
    assert_eq!(c.notify.public_url, "http://127.0.0.1:8080");
    assert_eq!(
        c.notify.targets,
        toolreg_notify::target::TargetPolicy {
            allow_http: false,
            allow_private: false
        }
    );
    let c = Config::from_sources(
        None,
        &env(&[
            ("TOOLREG_PUBLIC_URL", "https://toolreg.example.no"),
            ("TOOLREG_NOTIFY_DELIVER", "false"),
            ("TOOLREG_WEBHOOK_ALLOW_HTTP", "true"),
            ("TOOLREG_WEBHOOK_ALLOW_PRIVATE", "yes"),
            ("TOOLREG_NOTIFY_LEASE", "5"),
        ]),
    )
    .expect("settings");
    assert!(!c.notify.deliver);
    assert_eq!(c.notify.public_url, "https://toolreg.example.no");
    assert!(c.notify.targets.allow_http && c.notify.targets.allow_private);
    assert_eq!(c.notify.lease, 5);
    for (name, value) in [
        ("TOOLREG_PUBLIC_URL", "toolreg.example.no"),
        ("TOOLREG_NOTIFY_DELIVER", "kanskje"),
        ("TOOLREG_WEBHOOK_ALLOW_PRIVATE", "2"),
        ("TOOLREG_NOTIFY_LEASE", "0"),
    ] {
        let e = Config::from_sources(None, &env(&[(name, value)])).expect_err(value);
        assert!(e.to_string().contains(name), "{e}");
    }
}

#[test]
fn e_mail_needs_a_relay_and_a_sender() {
    let c = Config::from_sources(None, &env(&[])).expect("defaults");
    assert_eq!(c.notify.email, None);
    let relay = ("TOOLREG_SMTP_URL", "smtp://127.0.0.1:2525");
    let from = (
        "TOOLREG_SMTP_FROM",
        "Verktøyregisteret <varsel@kommune.example>",
    );
    let c = Config::from_sources(None, &env(&[relay, from])).expect("e-mail");
    assert_eq!(
        c.notify.email,
        Some(EmailConfig {
            smtp_url: "smtp://127.0.0.1:2525".into(),
            from: "Verktøyregisteret <varsel@kommune.example>".into(),
        })
    );
    let no_sender = Config::from_sources(None, &env(&[relay])).expect_err("no sender");
    assert!(
        no_sender.to_string().contains("TOOLREG_SMTP_FROM"),
        "{no_sender}"
    );
    let bad_sender = Config::from_sources(
        None,
        &env(&[relay, ("TOOLREG_SMTP_FROM", "varsel på kommune")]),
    )
    .expect_err("bad sender");
    assert!(
        bad_sender.to_string().contains("TOOLREG_SMTP_FROM"),
        "{bad_sender}"
    );
    let secret = "smtps://user:hemmelig@[bad";
    let bad_url = Config::from_sources(None, &env(&[("TOOLREG_SMTP_URL", secret), from]))
        .expect_err("bad url");
    assert!(
        bad_url.to_string().contains("TOOLREG_SMTP_URL"),
        "{bad_url}"
    );
    assert!(!bad_url.to_string().contains("hemmelig"), "{bad_url}");
}
