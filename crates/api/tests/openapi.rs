//! The committed OpenAPI document is what the code produces, and it is a
//! valid OpenAPI 3.1 document.

use std::path::PathBuf;
use std::process::Command;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

#[test]
fn committed_document_matches_the_code() {
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    let produced = toolreg_api::openapi::pretty_json();
    assert!(
        committed == produced,
        "openapi/openapi.json is out of date: run `cargo run -- export-openapi` and commit the result"
    );
}

#[test]
fn document_is_openapi_3_1_and_complete() {
    let doc: serde_json::Value =
        serde_json::from_str(&toolreg_api::openapi::pretty_json()).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/api/v1/tools/{id_or_slug}/verdicts/diff"));
    // Every operation documents at least one error as a problem document,
    // and names itself.
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            assert!(
                op["operationId"].is_string(),
                "{method} {path} lacks operationId"
            );
            let responses = op["responses"].as_object().expect("responses");
            assert!(!responses.is_empty(), "{method} {path} has no responses");
            let documents_problem = responses.iter().any(|(code, r)| {
                (code.starts_with('4') || code.starts_with('5'))
                    && r["content"]["application/problem+json"].is_object()
            });
            let is_health = path == "/healthz" || path == "/api/v1/openapi.json";
            assert!(
                documents_problem || is_health,
                "{method} {path} documents no problem response"
            );
        }
    }
}

/// Validated with openapi-spec-validator (the reference validator, from
/// PyPI; CI installs it). Without it the test says so and skips, unless
/// TOOLREG_REQUIRE_OPENAPI_VALIDATOR=1.
#[test]
fn document_passes_the_reference_validator() {
    let script = "import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))\n";
    let available = Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !available {
        assert!(
            std::env::var("TOOLREG_REQUIRE_OPENAPI_VALIDATOR").as_deref() != Ok("1"),
            "TOOLREG_REQUIRE_OPENAPI_VALIDATOR=1 but python3 cannot import openapi_spec_validator"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping OpenAPI validation: `pip install openapi-spec-validator` to run it"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("toolreg-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("openapi.json");
    std::fs::write(&file, toolreg_api::openapi::pretty_json()).expect("write document");
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .output()
        .expect("run validator");
    assert!(
        out.status.success(),
        "invalid OpenAPI 3.1:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every registered route is in the access table and the table names no
/// route that does not exist; the document says who may call each one.
#[test]
fn every_route_has_a_declared_access_rule() {
    let doc: serde_json::Value =
        serde_json::from_str(&toolreg_api::openapi::pretty_json()).expect("JSON");
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let method = method.to_uppercase();
            let who = toolreg_api::access::access_of(&method, path);
            assert!(
                who.is_some(),
                "{method} {path} is not in access::ROUTE_ACCESS"
            );
            assert!(
                op["x-toolreg-access"].is_string(),
                "{method} {path} does not document its access"
            );
            let protected = who != Some(toolreg_api::access::Who::Anyone);
            assert_eq!(
                op["security"][0]["bearer"].is_array(),
                protected,
                "{method} {path} security"
            );
            documented.push((method, path.clone()));
        }
    }
    for (method, path, _) in toolreg_api::access::ROUTE_ACCESS {
        assert!(
            documented.iter().any(|(m, p)| m == method && p == path),
            "{method} {path} is in the access table but not registered"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
}
