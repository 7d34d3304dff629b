//! First start on a fresh machine: the embedded database is created, the
//! sample data is loaded once, and the service reports ready.

use serde_json::Value;
use toolreg_tests::{client, run, Server, TestDb};

fn json_log_lines(log: &str) -> Vec<Value> {
    log.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn seeded(log: &str) -> Option<Value> {
    json_log_lines(log).into_iter().find(|l| {
        l["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("empty database: sample data loaded"))
    })
}

#[test]
fn first_start_seeds_and_second_start_keeps_the_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = [("TOOLREG_LOG_FORMAT", "json")];
    let server = Server::start(dir.path(), &env);
    let http = client();
    let ready = http.get(server.url("/readyz")).send().expect("readyz");
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready
            .json::<Value>()
            .ok()
            .map(|b| b["checks"]["database"].clone()),
        Some("ok".into())
    );
    let health = http.get(server.url("/healthz")).send().expect("healthz");
    assert_eq!(health.status(), 200);
    let log = server.stop();
    let loaded = seeded(&log).unwrap_or_else(|| panic!("no seed log line in:\n{log}"));
    assert_eq!(loaded["tools"], 31);
    assert!(
        dir.path().join("data/toolreg.db").exists(),
        "the SQLite file lives in the data dir"
    );

    let again = Server::start(dir.path(), &env);
    assert_eq!(
        http.get(again.url("/readyz"))
            .send()
            .map(|r| r.status().as_u16())
            .ok(),
        Some(200)
    );
    let log = again.stop();
    assert!(
        seeded(&log).is_none(),
        "second start must not load the sample data again:\n{log}"
    );

    // An explicit seed run finds everything present and adds nothing.
    let out = run(dir.path(), &["seed"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("lastet inn 0 organisasjoner, 0 verktøy"),
        "{text}"
    );
}

#[test]
fn seeding_can_be_switched_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(
        dir.path(),
        &[("TOOLREG_LOG_FORMAT", "json"), ("TOOLREG_SEED", "false")],
    );
    let log = server.stop();
    assert!(seeded(&log).is_none(), "{log}");
    let out = run(
        dir.path(),
        &[
            "seed",
            "--dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../seed-data"),
        ],
        &[],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("31 verktøy"),
        "{out:?}"
    );
}

#[test]
fn unknown_routes_get_a_problem_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let resp = client()
        .get(server.url("/api/v1/nothing-here"))
        .send()
        .expect("request");
    assert_eq!(resp.status(), 404);
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(ctype.as_deref(), Some("application/problem+json"));
    let body: Value = resp.json().expect("json body");
    assert_eq!(body["status"], 404);
    assert_eq!(body["instance"], "/api/v1/nothing-here");
}

#[test]
fn bad_configuration_is_one_line_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        dir.path(),
        &["check-config"],
        &[("TOOLREG_BIND", "not-an-address")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("TOOLREG_BIND"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let ok = run(dir.path(), &["check-config"], &[]);
    assert!(ok.status.success(), "{ok:?}");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("konfigurasjonen er gyldig"));
}

#[test]
fn seed_and_serve_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let env = [("TOOLREG_DATABASE_URL", db.url())];
    let first = run(dir.path(), &["seed"], &env);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("31 verktøy"),
        "{first:?}"
    );
    let second = run(dir.path(), &["seed"], &env);
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("0 verktøy"),
        "{second:?}"
    );
    let server = Server::start(dir.path(), &env);
    assert_eq!(
        client()
            .get(server.url("/readyz"))
            .send()
            .map(|r| r.status().as_u16())
            .ok(),
        Some(200)
    );
    assert!(
        !dir.path().join("data/toolreg.db").exists(),
        "PostgreSQL mode creates no SQLite file"
    );
}

#[test]
fn a_write_from_another_process_is_seen_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let http = client();
    let level = || -> Value {
        let body: Value = http
            .get(server.url("/api/v1/tools/geogebra"))
            .send()
            .and_then(|r| r.json())
            .expect("tool");
        body["current_verdict"]["level"].clone()
    };
    assert_eq!(level(), "approved");
    assert_eq!(
        level(),
        "approved",
        "second read, now from the response cache"
    );

    // Another process (the seed command) adds a newer assessment of the tool.
    let seed = dir.path().join("more-seed");
    std::fs::create_dir_all(&seed).expect("seed dir");
    let source = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../seed-data"));
    for f in [
        "organisations.json",
        "tools.json",
        "subprocessors.json",
        "inventories.json",
    ] {
        std::fs::copy(source.join(f), seed.join(f)).expect("copy seed file");
    }
    let mut assessments: Value = serde_json::from_str(
        &std::fs::read_to_string(source.join("assessments.json")).expect("read"),
    )
    .expect("json");
    let newer = serde_json::json!({
        "key": "retriage-geogebra", "kind": "triage", "title": "Ny vurdering av GeoGebra", "reviewer": "ks",
        "tools": ["geogebra"], "created_at": "2026-01-01T00:00:00Z",
        "versions": [{"published_at": "2026-01-02T00:00:00Z", "published_by": "test", "change_note": "Ny",
                      "verdict": {"level": "not_recommended", "summary": "Ikke anbefalt", "rationale": "Endrede vilkår"}}]
    });
    assessments["assessments"]
        .as_array_mut()
        .expect("array")
        .push(newer);
    std::fs::write(seed.join("assessments.json"), assessments.to_string()).expect("write");
    let out = run(
        dir.path(),
        &["seed", "--dir", seed.to_str().expect("utf-8 path")],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_eq!(
        level(),
        "not_recommended",
        "the cached response must not outlive the change"
    );
}

/// The data directory holds the database, the token secret and the audit
/// signing key: it and they are the owner's alone.
#[cfg(unix)]
#[test]
fn data_dir_and_secrets_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = toolreg_tests::Server::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    drop(server);
    let mode = |p: &str| {
        std::fs::metadata(dir.path().join(p))
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    assert_eq!(mode("data"), 0o700);
    for file in [
        "data/toolreg.db",
        "data/jwt-secret",
        "data/audit-signing-key",
    ] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
}

/// A token pasted into a URL does not end up in the access log.
#[test]
fn tokens_in_urls_stay_out_of_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = toolreg_tests::Server::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    let r = toolreg_tests::client()
        .get(server.url("/api/v1/tools?access_token=eyJzZWNyZXQtdG9rZW4"))
        .send()
        .expect("GET");
    assert_eq!(r.status(), 400, "an undeclared parameter");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.stop();
    assert!(log.contains("access_token=[redacted]"), "{log}");
    assert!(!log.contains("eyJzZWNyZXQtdG9rZW4"), "{log}");
}
