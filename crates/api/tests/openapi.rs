//! The committed OpenAPI document is what the code produces, and it is a
//! valid OpenAPI 3.1 document.

use std::path::PathBuf;
use std::process::Command;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json")
}

/// The lines where two texts part, with a few lines of context, so a
/// failing drift check shows what changed.
fn first_differences(committed: &str, produced: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), produced.lines().collect());
    let Some(start) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) else {
        return String::new();
    };
    let from = start.saturating_sub(3);
    let mut out = format!("first difference at line {}:\n", start + 1);
    for i in from..(start + 8) {
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("  {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("- {x}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!("+ {y}\n"));
                }
            }
        }
    }
    out
}

#[test]
fn committed_document_matches_the_code() {
    let committed = std::fs::read_to_string(committed_path()).expect("openapi/openapi.json");
    let produced = toolreg_api::openapi::pretty_json();
    assert!(
        committed == produced,
        "openapi/openapi.json is out of date: run `cargo run -- export-openapi --out openapi/openapi.json` \
         and commit the result (- committed, + produced)\n{}",
        first_differences(&committed, &produced)
    );
}

#[test]
fn drift_report_names_the_changed_line() {
    let report = first_differences("a\nb\nc\n", "a\nB\nc\n");
    assert!(report.contains("line 2"), "{report}");
    assert!(report.contains("- b") && report.contains("+ B"), "{report}");
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
                let r = match r["$ref"].as_str() {
                    Some(target) => doc
                        .pointer(target.trim_start_matches('#'))
                        .unwrap_or(&serde_json::Value::Null),
                    None => r,
                };
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

fn document() -> serde_json::Value {
    serde_json::from_str(&toolreg_api::openapi::pretty_json()).expect("JSON")
}

/// Every schema a request body can reach, by name.
fn request_schemas(doc: &serde_json::Value) -> Vec<String> {
    fn refs(node: &serde_json::Value, out: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(|r| r.as_str()) {
                    if let Some(name) = r.strip_prefix("#/components/schemas/") {
                        out.push(name.to_string());
                    }
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            refs(&op["requestBody"], &mut found);
        }
    }
    let mut i = 0;
    while i < found.len() {
        let mut more = Vec::new();
        refs(&doc["components"]["schemas"][&found[i]], &mut more);
        for m in more {
            if !found.contains(&m) {
                found.push(m);
            }
        }
        i += 1;
    }
    found
}

/// No list or text a caller sends is unbounded: each has maxItems or
/// maxLength (identifiers, dates and closed vocabularies bound themselves,
/// uploads the configured size limit).
#[test]
fn every_input_list_and_text_is_capped() {
    let doc = document();
    let names = request_schemas(&doc);
    assert!(names.contains(&"ToolInput".to_string()), "{names:?}");
    let mut uncapped = Vec::new();
    for name in &names {
        let schema = &doc["components"]["schemas"][name];
        let Some(props) = schema["properties"].as_object() else {
            continue;
        };
        for (field, p) in props {
            let p = p["oneOf"]
                .as_array()
                .and_then(|m| m.iter().find(|v| v["type"] != "null"))
                .unwrap_or(p);
            let types: Vec<&str> = match &p["type"] {
                serde_json::Value::String(t) => vec![t.as_str()],
                serde_json::Value::Array(ts) => ts.iter().filter_map(|t| t.as_str()).collect(),
                _ => vec![],
            };
            // A binary upload is bounded by the deployment's size limit
            // (TOOLREG_DOCUMENT_MAX_BYTES, 413 beyond it), not the schema.
            let bounded_format = matches!(
                p["format"].as_str(),
                Some("uuid" | "date" | "date-time" | "binary")
            );
            if types.contains(&"string") && !bounded_format && p["maxLength"].is_null() {
                uncapped.push(format!("{name}.{field}"));
            }
            if types.contains(&"array") {
                if p["maxItems"].is_null() {
                    uncapped.push(format!("{name}.{field}[]"));
                }
                let item = &p["items"];
                if item["type"] == "string"
                    && item["format"].is_null()
                    && item["maxLength"].is_null()
                {
                    uncapped.push(format!("{name}.{field}[*]"));
                }
            }
        }
    }
    assert!(uncapped.is_empty(), "uncapped input fields: {uncapped:?}");
}

#[test]
fn every_cap_names_a_field_of_the_document() {
    let mut doc = serde_json::to_value(toolreg_api::openapi::document()).expect("JSON");
    let missing = toolreg_api::contract::apply_caps(&mut doc);
    assert!(missing.is_empty(), "caps for unknown fields: {missing:?}");
}

/// Enumerations are documented as the server speaks them.
#[test]
fn enums_are_documented_as_serialised() {
    use toolreg_core::tool::{AgeBand, LoginMethod};
    use toolreg_core::verdict::VerdictLevel;
    let doc = document();
    let documented = |name: &str| -> Vec<String> {
        doc["components"]["schemas"][name]["enum"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let wire = |values: Vec<String>| values;
    assert_eq!(
        documented("VerdictLevel"),
        wire(
            VerdictLevel::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect()
        )
    );
    assert_eq!(
        documented("AgeBand"),
        wire(
            AgeBand::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect()
        )
    );
    assert_eq!(
        documented("LoginMethod"),
        wire(
            LoginMethod::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect()
        )
    );
    assert_eq!(
        documented("EventType"),
        wire(
            toolreg_core::event::EventType::ALL
                .iter()
                .map(|v| v.as_str().to_string())
                .collect()
        )
    );
    // Two types of one name would share one schema: each keeps its own.
    let values = |all: &[&str]| all.iter().map(|v| v.to_string()).collect::<Vec<_>>();
    assert_eq!(
        documented("Answer"),
        values(
            &toolreg_core::requirement::Answer::ALL
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        documented("ScreeningAnswer"),
        values(
            &toolreg_core::screening::ScreeningAnswer::ALL
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        documented("ConditionStatus"),
        values(
            &toolreg_core::inventory::ConditionStatus::ALL
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
        )
    );

    // And every enum anywhere is in the wire's snake_case (event types are
    // dotted, as in CloudEvents' `type`).
    let text = toolreg_api::openapi::pretty_json();
    for schema in doc["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .values()
    {
        for v in schema["enum"].as_array().into_iter().flatten() {
            let v = v.as_str().unwrap_or_default();
            assert!(
                v.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'),
                "enum value {v} is not what the server sends ({} bytes of document)",
                text.len()
            );
        }
    }
}

/// Flattened types are single objects: no `allOf` whose members refuse
/// each other's properties.
#[test]
fn flattened_schemas_accept_their_own_fields() {
    let doc = document();
    let text = doc.to_string();
    assert!(!text.contains("\"allOf\""), "allOf left in the document");
    let tool = &doc["components"]["schemas"]["Tool"];
    for field in ["id", "slug", "name", "revision"] {
        assert!(tool["properties"][field].is_object(), "Tool lacks {field}");
    }
    assert!(tool["additionalProperties"].is_null() || tool["additionalProperties"] == true);
    assert_eq!(
        doc["components"]["schemas"]["VerdictDraft"]["additionalProperties"], false,
        "request bodies refuse unknown fields, and say so"
    );
}

/// The errors the layers around each handler can give are documented.
#[test]
fn error_responses_are_documented_where_they_occur() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let r = &op["responses"];
            let has = |code: &str| r[code].is_object();
            assert!(has("401") && has("429"), "{method} {path}: 401/429");
            if op["security"].is_array() {
                assert!(has("403"), "{method} {path}: 403");
            }
            if op["requestBody"].is_object() {
                assert!(has("413") && has("415"), "{method} {path}: 413/415");
            }
            let if_match = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if if_match {
                assert!(has("412") && has("428"), "{method} {path}: 412/428");
            }
            if path.starts_with("/api/v1/") {
                assert!(has("400"), "{method} {path}: 400");
            }
            if let Some(limit) = op["parameters"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == "limit"))
            {
                assert_eq!(limit["schema"]["minimum"], 1, "{method} {path}");
                // Lists page up to 200; a search page is smaller (each hit
                // carries highlights), suggestions fit a search box.
                let most = match path.as_str() {
                    "/api/v1/search" => 50,
                    "/api/v1/search/suggest" => 8,
                    _ => 200,
                };
                assert_eq!(limit["schema"]["maximum"], most, "{method} {path}");
            }
        }
    }
}

/// Every free-text query value, repeatable ones included, says it may not
/// hold control characters (the request guard refuses them): a generated
/// client or fuzzer must not send what the service will refuse.
#[test]
fn every_free_text_query_value_forbids_control_characters() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] != "query" {
                    continue;
                }
                let schema = &p["schema"];
                let value = if schema["type"] == "array" {
                    &schema["items"]
                } else {
                    schema
                };
                let free_text = value["type"] == "string"
                    && value.get("format").is_none()
                    && value.get("enum").is_none();
                if free_text {
                    assert!(
                        value["pattern"].is_string(),
                        "{method} {path} ?{}: {value}",
                        p["name"]
                    );
                }
            }
        }
    }
}

/// A tagged enum in a request body (a subscription's channel and scope)
/// refuses unknown fields, caps its lists and texts and forbids control
/// characters in its variants as the server does (schemathesis sent a
/// control character in an e-mail address: schema-valid, refused with 400).
#[test]
fn tagged_enum_variants_of_request_bodies_are_as_strict_as_the_server() {
    let doc = document();
    // Every tagged enum a request can send refuses unknown fields in each
    // variant, as serde's `deny_unknown_fields` does.
    for name in request_schemas(&doc) {
        for v in doc["components"]["schemas"][&name]["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["type"] == "object")
        {
            assert_eq!(
                v["additionalProperties"], false,
                "a variant of {name} accepts unknown fields in the document: {v}"
            );
        }
    }
    let variant = |schema: &str, field: &str| -> serde_json::Value {
        doc["components"]["schemas"][schema]["oneOf"]
            .as_array()
            .and_then(|vs| vs.iter().find(|v| v["properties"].get(field).is_some()))
            .cloned()
            .unwrap_or_default()
    };
    let webhook = variant("Channel", "url");
    assert_eq!(webhook["additionalProperties"], false, "{webhook}");
    assert_eq!(webhook["properties"]["url"]["maxLength"], 500);
    assert!(
        webhook["properties"]["url"]["pattern"].is_string(),
        "{webhook}"
    );
    let email = variant("Channel", "addresses");
    assert_eq!(email["properties"]["addresses"]["maxItems"], 20);
    assert!(
        email["properties"]["addresses"]["items"]["pattern"].is_string(),
        "{email}"
    );
    let categories = variant("SubscriptionScope", "categories");
    assert_eq!(categories["additionalProperties"], false);
    assert_eq!(
        categories["properties"]["categories"]["items"]["maxLength"],
        40
    );
    assert_eq!(
        variant("SubscriptionScope", "ids")["properties"]["ids"]["maxItems"],
        500
    );
}
