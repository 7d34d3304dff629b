//! The public read side on the sample data: paging, filters, subprocessor
//! trees and diffs, data flows, vendors, and the offline API docs.

use reqwest::header::LINK;
use serde_json::Value;
use std::collections::HashSet;
use toolreg_tests::{client, Server};

fn get(http: &reqwest::blocking::Client, url: &str) -> (u16, Value, Option<String>) {
    let r = http.get(url).send().expect("GET");
    let status = r.status().as_u16();
    let link = r
        .headers()
        .get(LINK)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, r.json().unwrap_or(Value::Null), link)
}

#[test]
fn read_side_on_the_sample_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let http = client();
    let api = |p: &str| server.url(&format!("/api/v1{p}"));

    // Paging visits every tool exactly once, with Link headers on the way.
    let mut seen = HashSet::new();
    let mut next = Some(api("/tools?limit=7"));
    let mut pages = 0;
    while let Some(url) = next {
        let (status, body, link) = get(&http, &url);
        assert_eq!(status, 200, "{body}");
        for t in body["items"].as_array().expect("items") {
            assert!(
                seen.insert(t["slug"].as_str().unwrap_or_default().to_string()),
                "duplicate {t}"
            );
        }
        next = body["next_cursor"]
            .as_str()
            .map(|c| api(&format!("/tools?limit=7&cursor={c}")));
        assert_eq!(
            link.is_some(),
            next.is_some(),
            "Link header mirrors next_cursor"
        );
        pages += 1;
    }
    assert_eq!((seen.len(), pages), (31, 5));

    // Filters.
    let (_, body, _) = get(&http, &api("/tools?verdict_level=not_recommended"));
    let slugs: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| t["slug"].as_str())
        .collect();
    assert_eq!(slugs, ["strava"]);
    // "Not assessed" is every tool without a verdict in force: the whole
    // catalogue splits into those and the ones with a level.
    let count = |query: &str| {
        let (status, body, _) = get(&http, &api(&format!("/tools?limit=200&{query}")));
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().map_or(0, Vec::len)
    };
    let not_assessed = count("verdict_level=not_assessed");
    assert!(not_assessed > 0, "sample data has tools without a verdict");
    let assessed: usize = ["approved", "approved_with_conditions", "not_recommended"]
        .iter()
        .map(|l| count(&format!("verdict_level={l}")))
        .sum();
    assert_eq!(not_assessed + assessed, 31);
    let (_, body, _) = get(&http, &api("/tools?verdict_level=not_assessed&limit=200"));
    assert!(body["items"]
        .as_array()
        .is_some_and(|i| i.iter().all(|t| t["current_verdict"].is_null())));
    // A verdict past its review date says so.
    let (_, all, _) = get(&http, &api("/tools?limit=200"));
    let today = chrono::Utc::now().date_naive().to_string();
    let verdicts: Vec<&Value> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| &t["current_verdict"])
        .filter(|v| v.is_object())
        .collect();
    let mut overdue = 0;
    for v in &verdicts {
        let due = v["review_due"].as_str();
        let expected = due.is_some_and(|d| d < today.as_str());
        assert_eq!(v["review_overdue"], expected, "{v}");
        overdue += usize::from(expected);
    }
    assert!(
        overdue > 0 && overdue < verdicts.len(),
        "sample data has verdicts past and before their review date"
    );
    let (_, body, _) = get(&http, &api("/tools?has_third_country_transfer=false"));
    assert_eq!(body["items"][0]["slug"], "itslearning");
    let (_, body, _) = get(
        &http,
        &api("/tools?login_method=feide&age_band=upper_secondary&category=learning_platform"),
    );
    assert!(body["items"]
        .as_array()
        .is_some_and(|i| i.iter().all(|t| t["login_methods"]
            .as_array()
            .is_some_and(|l| l.iter().any(|m| m == "feide")))));

    // Subprocessor tree, an older revision, and the diff between them.
    let (status, tree, _) = get(
        &http,
        &api("/tools/google-workspace-for-education/subprocessors"),
    );
    assert_eq!(status, 200);
    assert_eq!(tree["revision"], 2);
    assert_eq!(tree["summary"]["max_depth"], 3);
    assert_eq!(tree["tree"][0]["children"][0]["children"][0]["depth"], 3);
    assert!(tree["summary"]["third_countries"]
        .as_array()
        .is_some_and(|c| c.iter().any(|x| x == "IN")));
    let (_, old, _) = get(
        &http,
        &api("/tools/google-workspace-for-education/subprocessors?revision=1"),
    );
    assert_eq!(old["revision"], 1);
    let (_, diff, _) = get(&http, &api("/tools/padlet/subprocessors/diff?from=1&to=2"));
    assert_eq!(diff["removed"][0]["id"], "mixpanel");
    assert_eq!(diff["changed"][0]["transfer_mechanism"]["from"], "unknown");
    let (status, _, _) = get(&http, &api("/tools/padlet/subprocessors?revision=9"));
    assert_eq!(status, 404);
    let (_, revisions, _) = get(&http, &api("/tools/padlet/subprocessors/revisions"));
    assert_eq!(revisions.as_array().map(Vec::len), Some(2));

    // Data flows from the verdict in force; none for a withdrawn one.
    let (status, flows, _) = get(&http, &api("/tools/kahoot/data-flows"));
    assert_eq!(status, 200);
    assert!(flows["data_flows"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    let (status, _, _) = get(&http, &api("/tools/canva-for-education/data-flows"));
    assert_eq!(status, 404);

    // Vendors with their tools; an organisation that is not a vendor is not one.
    let (_, vendors, _) = get(&http, &api("/vendors?limit=200"));
    let google = vendors["items"]
        .as_array()
        .and_then(|v| v.iter().find(|o| o["name"] == "Google Ireland Limited"))
        .and_then(|o| o["id"].as_str())
        .expect("Google in vendors")
        .to_string();
    let (_, vendor, _) = get(&http, &api(&format!("/vendors/{google}")));
    // Workspace, Classroom, and the discontinued Jamboard.
    assert_eq!(vendor["tools"].as_array().map(Vec::len), Some(3));

    // The published part of an assessment has its versions and no draft.
    let (_, history, _) = get(
        &http,
        &api("/tools/google-workspace-for-education/verdicts"),
    );
    let assessment = history[0]["assessment_id"]
        .as_str()
        .expect("assessment id")
        .to_string();
    let (_, a, _) = get(&http, &api(&format!("/assessments/{assessment}")));
    assert_eq!(a["versions"].as_array().map(Vec::len), Some(3));
    assert!(a.get("draft").is_none());

    // Swagger UI is served with its assets from this binary: no CDN.
    let html = http
        .get(server.url("/docs/"))
        .send()
        .and_then(|r| r.text())
        .expect("docs");
    assert!(html.contains("swagger-ui-bundle.js"), "{html}");
    assert!(
        !html.contains("src=\"http"),
        "docs must not load scripts from elsewhere"
    );
    let js = http
        .get(server.url("/docs/swagger-ui-bundle.js"))
        .send()
        .expect("bundle");
    assert_eq!(js.status(), 200);
    assert!(
        js.bytes().map(|b| b.len()).unwrap_or(0) > 100_000,
        "the bundle itself is served"
    );
    let (status, doc, _) = get(&http, &api("/openapi.json"));
    assert_eq!((status, doc["openapi"].as_str()), (200, Some("3.1.0")));
}

/// A slug typed with capitals finds the tool: 308 to the canonical
/// address, query kept.
#[test]
fn slugs_are_found_whatever_their_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let no_redirects = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (path, location) in [
        ("/api/v1/tools/Kahoot", "/api/v1/tools/kahoot"),
        (
            "/api/v1/tools/KAHOOT/verdicts",
            "/api/v1/tools/kahoot/verdicts",
        ),
        (
            "/api/v1/tools/Kahoot/subprocessors?revision=1",
            "/api/v1/tools/kahoot/subprocessors?revision=1",
        ),
    ] {
        let r = no_redirects.get(server.url(path)).send().expect("GET");
        assert_eq!(r.status(), 308, "{path}");
        assert_eq!(
            r.headers().get("location").and_then(|v| v.to_str().ok()),
            Some(location)
        );
    }
    let (status, body, _) = get(&client(), &server.url("/api/v1/tools/KaHoOt"));
    assert_eq!((status, body["slug"].as_str()), (200, Some("kahoot")));
}
