//! A reviewer's path through the API, on SQLite and (when configured) on
//! PostgreSQL: register a vendor and a tool, draft, publish v1, change the
//! draft, publish v2, withdraw; then read history, the verdict as of
//! before/between/after, the diff, and a 304.

use reqwest::blocking::Response;
use reqwest::header::{IF_MATCH, IF_NONE_MATCH, LOCATION};
use serde_json::{json, Value};
use std::time::Duration;
use toolreg_tests::{etag, Api, TestDb};

fn ok_json(r: Response, status: u16) -> Value {
    let code = r.status().as_u16();
    let body: Value = r.json().unwrap_or(Value::Null);
    assert_eq!(code, status, "unexpected status, body: {body}");
    body
}

fn draft(level: &str, likelihood: u8, note: &str) -> Value {
    json!({
        "level": level,
        "summary": format!("Konklusjon: {level}"),
        "rationale": "Vurdert etter nasjonal mal.",
        "conditions": [{"text": "Bruk Feide-innlogging", "audience": "school_owner", "setting_key": "login.feide_only", "mandatory": true}],
        "findings": [{
            "ref": "R1", "title": "Overføring til USA", "category": "third_country_transfer", "gdpr_articles": ["44"],
            "likelihood": likelihood, "consequence": 4,
            "measures": [{"description": "Standardkontrakter", "owner": "vendor", "status": "implemented"}],
            "residual_likelihood": 2, "residual_consequence": 4, "treatment": "reduce", "provenance": "contract_review"
        }],
        "data_flows": [{"data_category": "Navn", "subjects": ["pupils"], "purpose": "Innlogging", "storage_countries": ["IE"],
                        "retention": "Til kontoen slettes", "recipients": [], "legal_basis": "public_task"}],
        "review_due": "2027-06-01",
        "change_note": note
    })
}

fn walk(api: &Api) {
    // Organisations and a tool.
    let vendor = ok_json(
        api.post(
            "/organisations",
            &api.admin,
            &json!({"kind": "vendor", "name": "Eksempel Læring AS", "country": "NO"}),
        ),
        201,
    );
    let reviewer = ok_json(
        api.post(
            "/organisations",
            &api.admin,
            &json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"}),
        ),
        201,
    );
    let tool_body = json!({
        "slug": "eksempel-quiz", "name": "Eksempel Quiz", "vendor_id": vendor["id"], "categories": ["quiz"],
        "age_bands": ["grades_5_7"], "login_methods": ["feide"], "processes_personal_data": "yes",
        "personal_data_basis": ["account"], "feide_attributes": [{"attribute": "uid", "justification": "Kobling til konto"}]
    });
    let created = api.post("/tools", &api.drafter, &tool_body);
    assert_eq!(created.status(), 201);
    let location = created
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let tool = ok_json(created, 201);
    assert_eq!(
        location,
        Some(format!(
            "/api/v1/tools/{}",
            tool["id"].as_str().unwrap_or_default()
        ))
    );
    assert_eq!(tool["current_verdict"], Value::Null);

    // Update with If-Match: stale is refused, current is accepted.
    let read = api.get("/tools/eksempel-quiz");
    let tool_etag = etag(&read);
    let mut changed = tool_body.clone();
    changed["summary"] = json!("Quiz for mellomtrinnet");
    let updated = ok_json(
        api.put("/tools/eksempel-quiz", &api.drafter, &tool_etag, &changed),
        200,
    );
    assert_eq!(updated["summary"], "Quiz for mellomtrinnet");
    assert_eq!(
        api.put("/tools/eksempel-quiz", &api.drafter, &tool_etag, &changed)
            .status(),
        412,
        "old ETag is stale"
    );

    // Draft and publish v1.
    let assessment = ok_json(
        api.post(
            "/assessments",
            &api.drafter,
            &json!({"kind": "dpia", "title": "DPIA for Eksempel Quiz", "tool_ids": [tool["id"]], "reviewer_org_id": reviewer["id"]}),
        ),
        201,
    );
    let a = assessment["id"]
        .as_str()
        .expect("assessment id")
        .to_string();

    // Never published: hidden from everyone but its organisation's
    // reviewers, who find it in their own list.
    assert_eq!(api.get(&format!("/assessments/{a}")).status(), 404);
    let as_reviewer = |path: &str| {
        api.http
            .get(api.url(path))
            .bearer_auth(&api.drafter)
            .send()
            .expect("GET")
    };
    assert_eq!(as_reviewer(&format!("/assessments/{a}")).status(), 200);
    let drafts = ok_json(as_reviewer("/assessments?status=draft"), 200);
    assert_eq!(drafts["items"][0]["id"], a.as_str(), "{drafts}");
    let published = ok_json(as_reviewer("/assessments?status=published"), 200);
    assert_eq!(published["items"], json!([]));
    let d = api
        .http
        .get(api.url(&format!("/assessments/{a}/draft")))
        .bearer_auth(&api.drafter)
        .send()
        .expect("GET");
    let d_etag = etag(&d);
    let saved = api.put(
        &format!("/assessments/{a}/draft"),
        &api.drafter,
        &d_etag,
        &draft("not_recommended", 5, "Første vurdering"),
    );
    let d_etag = etag(&saved);
    let publish_as = |who: &str, etag: &str| {
        api.http
            .post(api.url(&format!("/assessments/{a}/publish")))
            .bearer_auth(who)
            .header(IF_MATCH, etag)
            .send()
            .expect("publish")
    };
    let publish = |etag: &str| publish_as(&api.publisher, etag);
    let own = publish_as(&api.drafter, &d_etag);
    assert_eq!(
        own.status(),
        403,
        "four eyes: the last editor may not publish"
    );
    let v1 = ok_json(publish(&d_etag), 201);
    assert_eq!(
        (v1["version"].as_i64(), v1["level"].as_str()),
        (Some(1), Some("not_recommended"))
    );
    assert_eq!(v1["content_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(
        publish(&d_etag).status(),
        412,
        "an ETag names one publication: the same one again is stale"
    );
    let reread = api
        .http
        .get(api.url(&format!("/assessments/{a}/draft")))
        .bearer_auth(&api.drafter)
        .send()
        .expect("GET");
    let d_etag = etag(&reread);
    let again = publish(&d_etag);
    assert_eq!(
        again.status(),
        409,
        "publishing an unchanged draft again is refused"
    );
    std::thread::sleep(Duration::from_millis(30));

    // Change the draft and publish v2.
    let saved = api.put(
        &format!("/assessments/{a}/draft"),
        &api.drafter,
        &d_etag,
        &draft(
            "approved_with_conditions",
            3,
            "Leverandøren har innført EU-lagring",
        ),
    );
    assert_eq!(saved.status(), 200);
    let stale_publish = publish(&d_etag);
    assert_eq!(
        stale_publish.status(),
        412,
        "publishing with the old draft ETag is stale"
    );
    let v2 = ok_json(publish(&etag(&saved)), 201);
    assert_eq!(v2["version"], 2);
    std::thread::sleep(Duration::from_millis(30));

    // The tool now shows v2 in force, with its mandatory condition.
    let t = ok_json(api.get("/tools/eksempel-quiz"), 200);
    assert_eq!(t["current_verdict"]["version"], 2);
    assert_eq!(t["current_verdict"]["level_label"], "Godkjent med vilkår");
    assert_eq!(
        t["current_verdict"]["mandatory_conditions"][0]["setting_key"],
        "login.feide_only"
    );
    let listed = ok_json(
        api.get("/tools?verdict_level=approved_with_conditions&category=quiz"),
        200,
    );
    assert!(listed["items"]
        .as_array()
        .is_some_and(|i| i.iter().any(|x| x["slug"] == "eksempel-quiz")));

    // Withdraw.
    let withdrawn = ok_json(
        api.post(
            &format!("/assessments/{a}/withdraw"),
            &api.publisher,
            &json!({"reason": "Feil i grunnlaget"}),
        ),
        200,
    );
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(
        api.post(
            &format!("/assessments/{a}/withdraw"),
            &api.publisher,
            &json!({"reason": "igjen"})
        )
        .status(),
        409
    );

    // History: newest first, withdrawn marked.
    let history = ok_json(api.get("/tools/eksempel-quiz/verdicts"), 200);
    let lines: Vec<(i64, bool)> = history
        .as_array()
        .expect("history")
        .iter()
        .map(|h| {
            (
                h["version"].as_i64().unwrap_or(0),
                h["withdrawn"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(lines, [(2, true), (1, true)]);

    // As of before, at, between, after.
    let t1: chrono::DateTime<chrono::Utc> = v1["published_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("t1");
    let t2: chrono::DateTime<chrono::Utc> = v2["published_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("t2");
    let tw: chrono::DateTime<chrono::Utc> = withdrawn["withdrawal"]["at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("withdrawal time");
    let as_of = |t: chrono::DateTime<chrono::Utc>| {
        let q = t
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .replace('+', "%2B");
        api.get(&format!("/tools/eksempel-quiz/verdict?as_of={q}"))
    };
    assert_eq!(
        as_of(t1 - chrono::Duration::seconds(1)).status(),
        404,
        "before v1"
    );
    assert_eq!(ok_json(as_of(t1), 200)["version"], 1, "at v1");
    assert_eq!(
        ok_json(as_of(t1 + (t2 - t1) / 2), 200)["version"],
        1,
        "between"
    );
    assert_eq!(
        ok_json(as_of(t2 + (tw - t2) / 2), 200)["version"],
        2,
        "after v2, before withdrawal"
    );
    assert_eq!(
        as_of(tw + chrono::Duration::seconds(1)).status(),
        404,
        "after withdrawal"
    );

    // The diff.
    let diff = ok_json(
        api.get(&format!(
            "/tools/eksempel-quiz/verdicts/diff?from={a}:1&to={a}:2"
        )),
        200,
    );
    assert_eq!(diff["diff"]["level"]["from"], "not_recommended");
    assert_eq!(diff["diff"]["level"]["to"], "approved_with_conditions");
    assert_eq!(
        diff["diff"]["findings_changed"][0]["risk"]["from"]["score"],
        20
    );
    assert_eq!(
        diff["diff"]["findings_changed"][0]["risk"]["to"]["score"],
        12
    );
    // Better level, conditions unchanged, risk scores fell: informational.
    assert_eq!(diff["severity"], "info");

    // An immutable version, and a 304 on revalidation.
    let path = format!("/tools/eksempel-quiz/verdicts/{a}/1");
    let first = api.get(&path);
    assert_eq!(
        first
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    let tag = etag(&first);
    assert_eq!(ok_json(first, 200)["change_note"], "Første vurdering");
    let second = api
        .http
        .get(api.url(&path))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .expect("conditional GET");
    assert_eq!(second.status(), 304);
    let listed = api.get("/tools/eksempel-quiz");
    let tag = etag(&listed);
    let again = api
        .http
        .get(api.url("/tools/eksempel-quiz"))
        .header(IF_NONE_MATCH, &tag)
        .send()
        .expect("GET");
    assert_eq!(again.status(), 304);
}

#[test]
fn reviewer_path_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    walk(&api);
}

#[test]
fn reviewer_path_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_DATABASE_URL", db.url())]);
    walk(&api);
}
