//! Tokens and roles at the HTTP edge: anonymous and bad tokens get 401 with
//! a Bearer challenge, a valid token without the right gets 403, vendors
//! act only on their own organisation's tools.

use reqwest::header::{ETAG, IF_MATCH, WWW_AUTHENTICATE};
use serde_json::{json, Value};
use toolreg_tests::{client, run, token, Server};

#[test]
fn roles_and_tokens_at_the_edge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let http = client();
    let url = |p: &str| server.url(&format!("/api/v1{p}"));
    let org = json!({"kind": "vendor", "name": "Ny Leverandør AS"});

    // The secret was generated into the data dir, readable by the owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("data/jwt-secret"))
            .map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
    }

    // Reading is open; writing anonymously is 401 with a challenge.
    assert_eq!(
        http.get(url("/tools/kahoot"))
            .send()
            .map(|r| r.status().as_u16())
            .ok(),
        Some(200)
    );
    let anon = http
        .post(url("/organisations"))
        .json(&org)
        .send()
        .expect("POST");
    assert_eq!(anon.status(), 401);
    assert_eq!(
        anon.headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );

    // A bad token is 401 invalid_token, even on a read.
    for bad in ["garbage", "a.b.c", ""] {
        let r = http
            .get(url("/tools"))
            .header("Authorization", format!("Bearer {bad}"))
            .send()
            .expect("GET");
        assert_eq!(r.status(), 401, "{bad:?}");
        assert_eq!(
            r.headers()
                .get(WWW_AUTHENTICATE)
                .and_then(|v| v.to_str().ok()),
            Some("Bearer error=\"invalid_token\"")
        );
        let body: Value = r.json().expect("problem");
        assert_eq!(body["status"], 401);
    }
    let basic = http
        .get(url("/tools"))
        .header("Authorization", "Basic dXNlcjpwdw==")
        .send()
        .expect("GET");
    assert_eq!(basic.status(), 401);

    // A valid token lacking the right is 403.
    let municipality = token(dir.path(), "bergen-1", &["municipality"], Some("964338531"));
    let r = http
        .post(url("/organisations"))
        .bearer_auth(&municipality)
        .json(&org)
        .send()
        .expect("POST");
    assert_eq!(r.status(), 403);
    let r = http
        .post(url("/assessments"))
        .bearer_auth(&municipality)
        .json(&json!({}))
        .send()
        .expect("POST");
    assert_eq!(r.status(), 403, "role is checked before the body");
    let admin = token(dir.path(), "admin-1", &["admin"], None);
    let r = http
        .post(url("/organisations"))
        .bearer_auth(&admin)
        .json(&org)
        .send()
        .expect("POST");
    assert_eq!(r.status(), 201);

    // Kahoot! ASA (997770234 in the sample data) may edit Kahoot!, not Strava.
    let kahoot_vendor = token(dir.path(), "kahoot-1", &["vendor"], Some("997770234"));
    let edit = |slug: &str, who: &str| {
        let read = http
            .get(url(&format!("/tools/{slug}")))
            .send()
            .expect("GET");
        let tag = read
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("etag");
        let mut body: Value = read.json().expect("tool");
        let input = json!({
            "slug": body["slug"], "name": body["name"], "vendor_id": body["vendor_id"],
            "summary": "Oppdatert av leverandøren", "website": body["website"], "categories": body["categories"],
            "age_bands": body["age_bands"], "login_methods": body["login_methods"], "platforms": body["platforms"],
            "pricing": body["pricing"], "processes_personal_data": body["processes_personal_data"],
            "personal_data_basis": body["personal_data_basis"], "feide_attributes": body["feide_attributes"],
            "ai_features": body["ai_features"], "status": body["status"]
        });
        body.take();
        http.put(url(&format!("/tools/{slug}")))
            .bearer_auth(who)
            .header(IF_MATCH, tag)
            .json(&input)
            .send()
            .expect("PUT")
    };
    assert_eq!(edit("kahoot", &kahoot_vendor).status(), 200);

    // Facts a verdict rests on are not the vendor's to change: refused,
    // field by field, and the public record stays as reviewed.
    let read = http.get(url("/tools/kahoot")).send().expect("GET");
    let tag = toolreg_tests::etag(&read);
    let mut claim: Value = read.json().expect("tool");
    for derived in [
        "id",
        "created_at",
        "updated_at",
        "revision",
        "vendor",
        "current_verdict",
        "municipalities_using",
        "links",
    ] {
        claim.as_object_mut().map(|o| o.remove(derived));
    }
    claim["processes_personal_data"] = json!("no");
    claim["personal_data_basis"] = json!([]);
    let refused = http
        .put(url("/tools/kahoot"))
        .bearer_auth(&kahoot_vendor)
        .header(IF_MATCH, &tag)
        .json(&claim)
        .send()
        .expect("PUT");
    assert_eq!(refused.status(), 403);
    let problem: Value = refused.json().expect("problem");
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .map(|e| e.iter().filter_map(|v| v["pointer"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        pointers,
        ["/processes_personal_data", "/personal_data_basis"]
    );
    let public: Value = http
        .get(url("/tools/kahoot"))
        .send()
        .and_then(|r| r.json())
        .expect("tool");
    assert_eq!(public["processes_personal_data"], "yes");
    // The vendor's accepted change is in the tool's public history.
    let history: Value = http
        .get(url("/tools/kahoot/revisions"))
        .send()
        .and_then(|r| r.json())
        .expect("history");
    assert_eq!(history[0]["editor"], "vendor", "{history}");
    assert_eq!(history[0]["changed_fields"], json!(["summary"]));
    assert_eq!(history[0]["tool"]["summary"], "Oppdatert av leverandøren");
    assert_eq!(history[1]["editor"], "import");
    // A new tool from a vendor starts unassessed.
    let vendor_id = public["vendor_id"].clone();
    let proposed = |facts: &str| {
        http.post(url("/tools"))
            .bearer_auth(&kahoot_vendor)
            .json(&json!({"slug": format!("kahoot-{facts}"), "name": "Kahoot! Ny", "vendor_id": vendor_id, "processes_personal_data": facts}))
            .send()
            .map(|r| r.status().as_u16())
            .ok()
    };
    assert_eq!(proposed("no"), Some(403));
    assert_eq!(proposed("unknown"), Some(201));
    assert_eq!(edit("strava", &kahoot_vendor).status(), 403);
    let other_vendor = token(dir.path(), "someone", &["vendor"], Some("974760673"));
    assert_eq!(edit("kahoot", &other_vendor).status(), 403);

    // Every change so far is in the audit trail, with who did it.
    let trail: Value = http
        .get(url("/audit"))
        .bearer_auth(&admin)
        .send()
        .and_then(|r| r.json())
        .expect("audit");
    // The sample data was loaded in one audited load, each version with its
    // publication entry; then come the changes made here.
    let (loaded, changes): (Vec<&Value>, Vec<&Value>) = trail
        .as_array()
        .expect("entries")
        .iter()
        .partition(|e| e["actor_sub"] == "toolreg-load");
    assert!(!loaded.is_empty());
    assert_eq!(loaded[0]["action"], "bulk.load");
    assert!(loaded[1..]
        .iter()
        .all(|e| e["action"] == "assessment.publish"));
    let lines: Vec<(String, String, String)> = changes
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (text("action"), text("actor_sub"), text("actor_org"))
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                "organisation.create".to_string(),
                "admin-1".to_string(),
                String::new()
            ),
            (
                "tool.update".to_string(),
                "kahoot-1".to_string(),
                "997770234".to_string()
            ),
            (
                "tool.create".to_string(),
                "kahoot-1".to_string(),
                "997770234".to_string()
            ),
        ]
    );
    assert_eq!(
        http.get(url("/audit"))
            .bearer_auth(&kahoot_vendor)
            .send()
            .map(|r| r.status().as_u16())
            .ok(),
        Some(403)
    );
    let verify = run(dir.path(), &["audit", "verify"], &[]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );

    // Editing an entry by hand breaks the chain, and verify names the entry.
    drop(server);
    {
        use diesel::connection::SimpleConnection;
        let url = toolreg_store::DatabaseUrl::parse(
            &dir.path().join("data/toolreg.db").display().to_string(),
        )
        .expect("url");
        let pool = toolreg_store::build_pool(&url, Some(1)).expect("pool");
        let mut conn = pool.get().expect("connection");
        // The trail is append-only in the database itself…
        assert!(conn
            .batch_execute("UPDATE audit_entries SET actor_sub = 'someone-else' WHERE sequence = 2")
            .is_err());
        // …and one who removes that guard is still found out.
        conn.batch_execute(
            "DROP TRIGGER audit_entries_refuse_update;
             UPDATE audit_entries SET actor_sub = 'someone-else' WHERE sequence = 2",
        )
        .expect("edit");
    }
    let verify = run(dir.path(), &["audit", "verify"], &[]);
    assert_eq!(verify.status.code(), Some(1));
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(out.contains("oppføring 2"), "{out}");
}

#[test]
fn abuse_limits_and_security_headers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(
        dir.path(),
        &[
            ("TOOLREG_RATE_ANONYMOUS_PER_SECOND", "1"),
            ("TOOLREG_RATE_ANONYMOUS_BURST", "5"),
            ("TOOLREG_RATE_FAILED_AUTH_PER_MINUTE", "5"),
        ],
    );
    let http = client();
    let statuses: Vec<u16> = (0..8)
        .map(|_| {
            http.get(server.url("/api/v1/vendors"))
                .send()
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(statuses[5..].contains(&429), "{statuses:?}");
    let limited = http.get(server.url("/api/v1/vendors")).send().expect("GET");
    assert_eq!(limited.status(), 429);
    let retry = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        retry.is_some_and(|s| s >= 1),
        "Retry-After in whole seconds"
    );
    // A signed-in caller is not held to the anonymous budget.
    let reviewer = token(dir.path(), "r", &["reviewer"], None);
    let ok = http
        .get(server.url("/api/v1/vendors"))
        .bearer_auth(&reviewer)
        .send()
        .expect("GET");
    assert_eq!(ok.status(), 200);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(
            ok.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name}"
        );
        assert_eq!(
            limited.headers().get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{name} on a 429"
        );
    }
    // Repeated bad tokens get the client blocked with 429.
    let bad: Vec<u16> = (0..25)
        .map(|_| {
            http.get(server.url("/api/v1/tools"))
                .bearer_auth("garbage")
                .send()
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
        .collect();
    assert_eq!(bad[0], 401);
    // The threshold is the setting: five go through as 401, then 429.
    assert_eq!(bad.iter().position(|s| *s == 429), Some(5), "{bad:?}");
    assert_eq!(bad.last(), Some(&429), "{bad:?}");
    // A valid token from the same address is never turned away.
    let still = http
        .get(server.url("/api/v1/tools"))
        .bearer_auth(&reviewer)
        .send()
        .expect("GET");
    assert_eq!(still.status(), 200);
}

/// `toolreg token` refuses to mint what the service would refuse, and says
/// when it creates a new secret.
#[test]
fn token_command_speaks_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = run(dir.path(), &["token", "--role", "reviewer"], &[]);
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stderr).contains("laget ny tokenhemmelighet"));
    let again = run(dir.path(), &["token", "--role", "reviewer"], &[]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("laget ny"));
    let long = run(
        dir.path(),
        &["token", "--role", "reviewer", "--ttl", "31536000"],
        &[],
    );
    assert!(!long.status.success());
    assert!(String::from_utf8_lossy(&long.stderr).contains("TOOLREG_JWT_MAX_LIFETIME"));
}
