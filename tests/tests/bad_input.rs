//! Bad input never yields a 500: every client mistake gets a problem
//! document with the right status, and where a field is to blame, a JSON
//! pointer to it.

use reqwest::blocking::Response;
use reqwest::header::{CONTENT_TYPE, IF_MATCH};
use serde_json::{json, Value};
use toolreg_tests::{client, token, Server};

fn problem(r: Response, status: u16) -> Value {
    let code = r.status().as_u16();
    let ctype = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = r.json().unwrap_or(Value::Null);
    assert_eq!(code, status, "body: {body}");
    assert_eq!(
        ctype.as_deref(),
        Some("application/problem+json"),
        "body: {body}"
    );
    assert_eq!(body["status"], status, "problem status mirrors HTTP status");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "{body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    body
}

fn pointers(p: &Value) -> Vec<String> {
    p["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["pointer"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_client_mistake_is_a_clear_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let http = client();
    // Admins may write organisations, and (as editors) tools.
    let admin = token(dir.path(), "admin-1", &["admin"], None);
    let url = |p: &str| server.url(&format!("/api/v1{p}"));
    let post_raw = |p: &str, body: &str| {
        http.post(url(p))
            .bearer_auth(&admin)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .expect("POST")
    };

    // Malformed JSON.
    let p = problem(post_raw("/tools", "{\"slug\": "), 400);
    assert!(p["type"]
        .as_str()
        .is_some_and(|t| t.ends_with("malformed-json")));

    // Wrong type, with the pointer into a nested array.
    let p = problem(
        post_raw(
            "/organisations",
            r#"{"kind":"vendor","name":"X","org_number":974760673}"#,
        ),
        400,
    );
    assert_eq!(pointers(&p), ["/org_number"]);
    let vendor: Value = http
        .post(url("/organisations"))
        .bearer_auth(&admin)
        .json(&json!({"kind": "vendor", "name": "Leverandør AS"}))
        .send()
        .and_then(|r| r.json())
        .expect("vendor");
    let tool = json!({"slug": "t-one", "name": "T", "vendor_id": vendor["id"], "processes_personal_data": "no",
                      "feide_attributes": [{"attribute": "uid", "justification": 7}]});
    let p = problem(
        http.post(url("/tools"))
            .bearer_auth(&admin)
            .json(&tool)
            .send()
            .expect("POST"),
        400,
    );
    assert_eq!(pointers(&p), ["/feide_attributes/0/justification"]);

    // Unknown field.
    let p = problem(
        post_raw(
            "/organisations",
            r#"{"kind":"vendor","name":"X","colour":"red"}"#,
        ),
        400,
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("colour")),
        "{p}"
    );

    // Validation: every bad field reported at once, 422.
    let bad =
        json!({"kind": "municipality", "name": "", "org_number": "974760674", "website": "bergen"});
    let p = problem(
        http.post(url("/organisations"))
            .bearer_auth(&admin)
            .json(&bad)
            .send()
            .expect("POST"),
        422,
    );
    assert_eq!(
        pointers(&p),
        ["/name", "/org_number", "/municipality_number", "/website"]
    );

    // Oversized body: 413, and the server stays up.
    let huge = format!(
        "{{\"kind\":\"vendor\",\"name\":\"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    problem(post_raw("/organisations", &huge), 413);

    // Wrong content type.
    let r = http
        .post(url("/organisations"))
        .bearer_auth(&admin)
        .header(CONTENT_TYPE, "text/plain")
        .body("{}")
        .send()
        .expect("POST");
    problem(r, 415);

    // Bad ids, unknown ids, bad enum in the query, bad limit, bad cursor.
    let p = problem(
        http.get(url("/organisations/not-a-uuid"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/id"]);
    problem(
        http.get(url("/organisations/0190f3a4-1c2b-7d3e-8f40-123456789abc"))
            .send()
            .expect("GET"),
        404,
    );
    problem(
        http.get(url("/tools/no-such-tool")).send().expect("GET"),
        404,
    );
    let p = problem(
        http.get(url("/tools?login_method=facebook"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/login_method"]);
    let p = problem(http.get(url("/tools?limit=500")).send().expect("GET"), 400);
    assert_eq!(pointers(&p), ["/limit"]);
    let p = problem(http.get(url("/tools?cursor=%%%")).send().expect("GET"), 400);
    assert_eq!(pointers(&p), ["/cursor"]);
    let p = problem(
        http.get(url("/tools?cursor=bm90LWEtY3Vyc29y"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/cursor"]);

    // Bad dates and references.
    let p = problem(
        http.get(url("/tools/kahoot/verdict?as_of=2025-13-01"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/as_of"]);
    let p = problem(
        http.get(url("/tools/kahoot/verdict")).send().expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/as_of"]);
    let p = problem(
        http.get(url("/tools/kahoot/verdicts/diff?from=1&to=2"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/from"]);
    let p = problem(
        http.get(url("/tools/kahoot/verdicts/not-a-uuid/1"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/assessment_id"]);

    // Preconditions: missing If-Match is 428, a stale one 412.
    let org = json!({"kind": "vendor", "name": "Ny AS"});
    let id = vendor["id"].as_str().unwrap_or_default().to_string();
    problem(
        http.put(url(&format!("/organisations/{id}")))
            .bearer_auth(&admin)
            .json(&org)
            .send()
            .expect("PUT"),
        428,
    );
    let r = http
        .put(url(&format!("/organisations/{id}")))
        .bearer_auth(&admin)
        .header(IF_MATCH, "\"stale\"")
        .json(&org)
        .send()
        .expect("PUT");
    problem(r, 412);

    // Wrong method, unknown route.
    let r = http.delete(url("/tools")).send().expect("DELETE");
    assert_eq!(
        r.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, POST")
    );
    problem(r, 405);
    problem(http.get(url("/nothing/here")).send().expect("GET"), 404);

    // Through all of that, the service stayed healthy and logged no panic.
    assert_eq!(
        http.get(server.url("/readyz"))
            .send()
            .map(|r| r.status().as_u16())
            .ok(),
        Some(200)
    );
    let log = server.stop();
    assert!(!log.contains("panicked"), "{log}");
}

/// Control characters, trailing data and undeclared parameters are 400 on
/// both backends alike, and nothing of them is stored.
fn bad_text_is_refused(server: &Server, dir: &std::path::Path) {
    let http = client();
    let admin = token(dir, "admin-1", &["admin"], None);
    let url = |p: &str| server.url(&format!("/api/v1{p}"));
    let post_raw = |p: &str, body: &str| {
        http.post(url(p))
            .bearer_auth(&admin)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .expect("POST")
    };

    // NUL in a path and in a query value, anonymously.
    let p = problem(http.get(url("/tools/ka%00hoot")).send().expect("GET"), 400);
    assert_eq!(pointers(&p), ["/path"]);
    let p = problem(
        http.get(url("/tools?category=qu%00iz"))
            .send()
            .expect("GET"),
        400,
    );
    assert_eq!(pointers(&p), ["/category"]);

    // NUL and other controls escaped inside JSON strings.
    let p = problem(
        post_raw(
            "/organisations",
            r#"{"kind":"vendor","name":"Ond\u0000 AS"}"#,
        ),
        400,
    );
    assert_eq!(pointers(&p), ["/name"]);
    let p = problem(
        post_raw(
            "/organisations",
            r#"{"kind":"vendor","name":"Bjelle\u0007 AS"}"#,
        ),
        400,
    );
    assert_eq!(pointers(&p), ["/name"]);
    // Nothing of it was stored.
    let listed: Value = http
        .get(url("/organisations?kind=vendor&limit=200"))
        .send()
        .and_then(|r| r.json())
        .expect("list");
    assert!(
        !listed.to_string().contains("Ond") && !listed.to_string().contains("Bjelle"),
        "{listed}"
    );

    // Trailing data after the document, and two documents.
    for body in [
        r#"{"kind":"vendor","name":"Hale AS"} xyz"#,
        r#"{"kind":"vendor","name":"Hale AS"}{"kind":"vendor","name":"To AS"}"#,
    ] {
        let p = problem(post_raw("/organisations", body), 400);
        assert!(
            p["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("malformed-json")),
            "{p}"
        );
    }

    // A misspelt filter is named, not ignored.
    let p = problem(http.get(url("/tools?q=kahot")).send().expect("GET"), 400);
    assert_eq!(pointers(&p), ["/q"]);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("verdict_level")),
        "lists the parameters that exist: {p}"
    );
}

#[test]
fn bad_text_is_refused_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    bad_text_is_refused(&server, dir.path());
}

#[test]
fn bad_text_is_refused_on_postgres() {
    let Some(db) = toolreg_tests::TestDb::postgres() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[("TOOLREG_DATABASE_URL", db.url())]);
    bad_text_is_refused(&server, dir.path());
}
