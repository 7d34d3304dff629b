//! A vendor's path through the real binary: the requirement catalogue, its
//! answers for its own tool (with one of its documents as evidence), and
//! its page of obligations shrinking as it delivers — with another
//! vendor kept out at every step.

use serde_json::{json, Value};
use toolreg_tests::{token, Api};

const BOUNDARY: &str = "toolreg-obligations-boundary";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn upload(api: &Api, as_: &str, meta: &Value, file: &[u8]) -> Value {
    let mut body = Vec::new();
    body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend(serde_json::to_vec(meta).expect("json"));
    body.extend(format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dokument.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let r = api
        .http
        .post(api.url("/documents"))
        .bearer_auth(as_)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .expect("upload");
    assert_eq!(r.status().as_u16(), 201);
    r.json().expect("document")
}

fn kinds(status: &Value, slug: &str) -> Vec<String> {
    status["tools"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["slug"] == slug))
        .and_then(|t| t["missing"].as_array())
        .map(|m| {
            m.iter()
                .filter_map(|o| o["kind"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_vendor_answers_the_catalogue_and_its_obligations_shrink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let kahoot_vendor = token(dir.path(), "kahoot-ansatt", &["vendor"], Some("997770234"));
    let nrk = token(dir.path(), "nrk", &["vendor"], Some("976390512"));
    let bergen = token(dir.path(), "bergen", &["municipality"], Some("964338531"));
    let tool: Value = api.get("/tools/kahoot").json().expect("tool");
    let tool_id = tool["id"].as_str().expect("id").to_string();
    let vendor_id = tool["vendor_id"].as_str().expect("vendor").to_string();

    let catalogue: Value = api.get("/requirements").json().expect("catalogue");
    let ids: Vec<String> = catalogue["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    assert!(ids.len() >= 30, "{}", ids.len());
    assert_eq!(catalogue["version"], 1);
    assert_eq!(api.get("/requirements?version=9").status().as_u16(), 404);

    let status_path = format!("/vendors/{vendor_id}/status");
    let (_, before) = api.read(&status_path, &kahoot_vendor);
    let missing = kinds(&before, "kahoot");
    assert!(
        missing.contains(&"no_data_processing_agreement".to_string()),
        "{before}"
    );
    assert!(
        missing.contains(&"requirements_unanswered".to_string()),
        "{before}"
    );
    // Another vendor does not see it; a reviewer does.
    let other = api.send(reqwest::Method::GET, &status_path, &nrk, None, None);
    assert_eq!(other.status().as_u16(), 403);
    api.read(&status_path, &api.drafter);

    // The agreement, and a certificate that runs out in ten days.
    upload(
        &api,
        &kahoot_vendor,
        &json!({"kind": "dpa_template", "title": "Databehandleravtale", "tool_id": tool_id, "visibility": "municipalities"}),
        PDF,
    );
    let soon = (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339();
    let certificate = upload(
        &api,
        &kahoot_vendor,
        &json!({"kind": "certificate", "title": "ISO/IEC 27001", "visibility": "reviewers", "expires_at": soon}),
        b"%PDF-1.4\ncertificate\n%%EOF\n",
    );
    let certificate_id = certificate["id"].as_str().expect("id");

    // Every requirement answered, one with "no", one with evidence.
    let answers: Vec<Value> = ids
        .iter()
        .map(|id| match id.as_str() {
            "TS-27" => json!({"requirement_id": id, "answer": "no", "comment": "Anonymiserte bruksdata brukes til å forbedre anbefalinger."}),
            "TS-21" => json!({"requirement_id": id, "answer": "yes", "evidence_document_id": certificate_id}),
            _ => json!({"requirement_id": id, "answer": "yes"}),
        })
        .collect();
    let body = json!({"catalogue_version": 1, "answers": answers});
    let path = "/tools/kahoot/requirement-answers";
    let foreign = api.put(path, &nrk, "*", &body);
    assert_eq!(foreign.status().as_u16(), 403, "not NRK's tool");
    let r = api.put(path, &kahoot_vendor, "*", &body);
    assert_eq!(r.status().as_u16(), 200);
    let set: Value = r.json().expect("answers");
    assert_eq!(set["unanswered"], json!([]));

    // Bad answers are named.
    let bad = api.put(
        path,
        &kahoot_vendor,
        "*",
        &json!({"catalogue_version": 1, "answers": [
            {"requirement_id": "TS-99", "answer": "yes"},
            {"requirement_id": "TS-01", "answer": "yes", "evidence_document_id": "0190f3a4-1c2b-7d3e-8f40-123456789abc"}
        ]}),
    );
    assert_eq!(bad.status().as_u16(), 422);
    let problem: Value = bad.json().expect("problem");
    assert!(
        problem.to_string().contains("/answers/0/requirement_id"),
        "{problem}"
    );
    let unknown_version = api.put(
        path,
        &kahoot_vendor,
        "*",
        &json!({"catalogue_version": 7, "answers": []}),
    );
    assert_eq!(unknown_version.status().as_u16(), 400);

    // A municipality reads them; the rejected attempt changed nothing.
    let (_, read) = api.read(path, &bergen);
    assert_eq!(read["answers"].as_array().map(Vec::len), Some(ids.len()));
    assert_eq!(
        api.send(reqwest::Method::GET, path, &nrk, None, None)
            .status()
            .as_u16(),
        403
    );
    assert_eq!(api.get(path).status().as_u16(), 401);

    let (_, after) = api.read(&status_path, &kahoot_vendor);
    let missing = kinds(&after, "kahoot");
    assert!(
        !missing.contains(&"no_data_processing_agreement".to_string()),
        "{after}"
    );
    assert!(
        !missing.contains(&"requirements_unanswered".to_string()),
        "{after}"
    );
    assert!(
        missing.contains(&"certificate_expiring".to_string()),
        "{after}"
    );
    assert!(
        missing.contains(&"requirements_answered_no".to_string()),
        "{after}"
    );

    // The answers are in the audit trail.
    let (_, trail) = api.read(
        &format!("/audit?target=tools/{tool_id}/requirement-answers"),
        &api.admin,
    );
    assert!(
        trail
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["action"] == "requirements.answer")),
        "{trail}"
    );
}
