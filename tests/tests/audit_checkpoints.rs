//! Tampering is detectable, not just refused: signed checkpoints kept by an
//! outsider prove that history was truncated, and a forged verdict version
//! is never served.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use toolreg_tests::{client, link, run, token, Server};

fn open_db(dir: &std::path::Path) -> toolreg_store::DbPool {
    let url = toolreg_store::DatabaseUrl::parse(&dir.join("data/toolreg.db").display().to_string())
        .expect("url");
    toolreg_store::build_pool(&url, Some(1)).expect("pool")
}

#[test]
fn kept_checkpoints_expose_truncation_and_forged_versions_are_not_served() {
    use diesel::connection::SimpleConnection;
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[("TOOLREG_CHECKPOINT_INTERVAL", "1")]);
    let http = client();
    let url = |p: &str| server.url(p);
    let admin = token(dir.path(), "admin-1", &["admin"], None);

    // The key anyone can fetch, and a change after the sample data.
    let key: Value = http
        .get(url("/.well-known/toolreg-audit-key"))
        .send()
        .and_then(|r| r.json())
        .expect("key");
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    for name in ["Revisjon AS", "Sporbar AS"] {
        let r = http
            .post(url("/api/v1/organisations"))
            .bearer_auth(&admin)
            .json(&json!({"kind": "vendor", "name": name}))
            .send()
            .expect("POST");
        assert_eq!(r.status(), 201);
    }
    let trail: Value = http
        .get(url("/api/v1/audit?limit=200"))
        .bearer_auth(&admin)
        .send()
        .and_then(|r| r.json())
        .expect("trail");
    let head = trail
        .as_array()
        .and_then(|t| t.last())
        .and_then(|e| e["sequence"].as_i64())
        .expect("head");

    // A municipality keeps the checkpoints as they appear.
    let deadline = Instant::now() + Duration::from_secs(20);
    let kept = loop {
        let list: Value = http
            .get(url("/api/v1/audit/checkpoints"))
            .send()
            .and_then(|r| r.json())
            .expect("checkpoints");
        if list[0]["sequence"].as_i64() == Some(head) {
            break list;
        }
        assert!(Instant::now() < deadline, "no checkpoint of {head}: {list}");
        std::thread::sleep(Duration::from_millis(200));
    };
    // Paged newest first, with `Link` to the older ones.
    let page = http
        .get(url("/api/v1/audit/checkpoints?limit=1"))
        .send()
        .expect("page");
    let link = link(&page);
    assert!(
        link.contains(&format!("before={}", kept[0]["sequence"])) && link.contains("rel=\"next\""),
        "{link}"
    );
    let file = dir.path().join("kept.json");
    std::fs::write(&file, kept.to_string()).expect("keep");
    drop(server);

    let x = key["x"].as_str().expect("x").to_string();
    let verify = |extra: &[&str]| {
        let mut args = vec!["audit", "verify", "--checkpoints"];
        let path = file.display().to_string();
        args.push(&path);
        args.extend(["--public-key", x.as_str()]);
        args.extend(extra);
        let out = run(dir.path(), &args, &[]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    };
    let (code, out) = verify(&[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("stemmer med revisjonssporet"), "{out}");

    // A forged verdict version (guards removed, content edited) is not served.
    let pool = open_db(dir.path());
    {
        let mut conn = pool.get().expect("connection");
        conn.batch_execute(
            "DROP TRIGGER verdict_versions_refuse_update;
             UPDATE verdict_versions SET content = replace(content, '\"summary\":\"', '\"summary\":\"Forfalsket ')
             WHERE version = 1",
        )
        .expect("forge");
    }
    drop(pool);
    let server = Server::start(dir.path(), &[]);
    let history: Value = client()
        .get(server.url("/api/v1/tools/google-workspace-for-education/verdicts"))
        .send()
        .and_then(|r| r.json())
        .expect("history");
    let href = history
        .as_array()
        .and_then(|h| h.iter().find(|i| i["version"] == 1))
        .and_then(|i| i["href"].as_str())
        .map(str::to_owned);
    // The history itself reads the versions: it refuses to answer rather
    // than show forged content.
    let r = match href {
        Some(h) => client().get(server.url(&h)).send().expect("GET"),
        None => client()
            .get(server.url("/api/v1/tools/google-workspace-for-education/verdicts"))
            .send()
            .expect("GET"),
    };
    assert_eq!(r.status(), 500);
    let body = r.text().unwrap_or_default();
    assert!(
        body.contains("integrity") && !body.contains("Forfalsket"),
        "{body}"
    );
    drop(server);
    let out = run(dir.path(), &["audit", "verify"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("content_sha256"));

    // Someone removes the last entries, guards and all: the kept
    // checkpoints prove it.
    let pool = open_db(dir.path());
    {
        let mut conn = pool.get().expect("connection");
        conn.batch_execute(&format!(
            "DROP TRIGGER audit_entries_refuse_delete;
             DELETE FROM audit_entries WHERE sequence > {}",
            head - 2
        ))
        .expect("truncate");
    }
    drop(pool);
    let (code, out) = verify(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("sjekkpunkt {head}")) && out.contains("slettet"),
        "{out}"
    );

    // A checkpoint altered by its keeper proves nothing.
    let mut altered = kept.clone();
    altered[0]["sequence"] = json!(head - 3);
    std::fs::write(&file, altered.to_string()).expect("alter");
    let (code, out) = verify(&[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("kan ikke verifiseres"), "{out}");
}
