//! Search against the running binary: the index follows the event log and
//! repairs itself after a crash; the API answers with hits, highlights,
//! facets, pages and suggestions, and names a bad parameter; and the two
//! backends put the same tool first for the sample data's obvious queries.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use toolreg_search::test_support::{MeiliServer, MASTER_KEY};
use toolreg_tests::{client, link, Api, Server};

fn get_json(http: &reqwest::blocking::Client, url: &str) -> (u16, Value) {
    let r = http.get(url).send().expect("GET");
    let status = r.status().as_u16();
    (status, r.json().unwrap_or(Value::Null))
}

/// The search check of `/readyz` once the index has caught up with the log;
/// on a timeout, the last answer and the server's log say why. The deadline
/// is for a broken indexer, not a performance claim (it polls every 200 ms).
fn caught_up(http: &reqwest::blocking::Client, server: &Server) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = get_json(http, &server.url("/readyz"));
        let search = body["checks"]["search"].clone();
        if status == 200 && search["status"] == "ok" && search["behind"] == 0 {
            return search;
        }
        assert!(
            Instant::now() < deadline,
            "the search index did not catch up; /readyz answered {status} {body}; log:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn first_hit(http: &reqwest::blocking::Client, server: &Server, q: &str) -> Value {
    let (status, body) = get_json(
        http,
        &server.url(&format!("/api/v1/search?q={}", urlencode(q))),
    );
    assert_eq!(status, 200, "search {q:?}: {body}");
    body["items"][0].clone()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn tool_input(vendor: &Value) -> Value {
    json!({
        "slug": "fjordkviss", "name": "Fjordkviss", "vendor_id": vendor["id"],
        "summary": "Quiz om norsk geografi", "categories": ["quiz"], "age_bands": ["grades_5_7"],
        "login_methods": ["feide"], "processes_personal_data": "yes", "personal_data_basis": ["account"]
    })
}

#[test]
fn a_publish_the_index_missed_before_a_crash_is_found_after_the_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let no_seed = ("TOOLREG_SEED", "false");

    // The index follows the log: a new tool is findable, not yet assessed.
    let api = Api::start(dir.path(), &[no_seed]);
    let vendor = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "vendor", "name": "Fjord Læring AS", "country": "NO"}),
    );
    let reviewer = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"}),
    );
    let tool = api.created("/tools", &api.drafter, &tool_input(&vendor));
    let tool_id = tool["id"].as_str().expect("id").to_string();
    caught_up(&api.http, &api.server);
    let hit = first_hit(&api.http, &api.server, "fjordkvis");
    assert_eq!(hit["tool"]["slug"], "fjordkviss", "{hit}");
    assert_eq!(hit["verdict"], Value::Null);
    api.server.stop();

    // A process that does not follow the log publishes, and is killed
    // before anything updates the index.
    let api = Api::start(dir.path(), &[no_seed, ("TOOLREG_SEARCH_FOLLOW", "false")]);
    let (assessment, draft) = api.draft_verdict(&tool_id, &reviewer, "Kan brukes med Feide.");
    api.publish(&assessment, &draft);
    let (_, ready) = get_json(&api.http, &api.server.url("/readyz"));
    assert_eq!(ready["checks"]["search"]["following"], false, "{ready}");
    assert_eq!(
        ready["checks"]["search"]["behind"], 1,
        "the publication is in the log, not in the index: {ready}"
    );
    let stale = first_hit(&api.http, &api.server, "fjordkviss");
    assert_eq!(stale["verdict"], Value::Null, "{stale}");
    api.server.stop();

    // The next start catches up from the sequence the index recorded.
    let api = Api::start(dir.path(), &[no_seed]);
    let search = caught_up(&api.http, &api.server);
    assert_eq!(search["documents"], 1, "{search}");
    let hit = first_hit(&api.http, &api.server, "fjordkviss");
    assert_eq!(hit["tool"]["slug"], "fjordkviss");
    assert_eq!(hit["verdict"]["level"], "approved_with_conditions", "{hit}");
    let (_, filtered) = get_json(
        &api.http,
        &api.url("/search?verdict_level=approved_with_conditions"),
    );
    assert_eq!(filtered["estimated_total"], 1, "{filtered}");
}

/// Queries a school leader would type, and the tool that must come first.
const OBVIOUS: &[(&str, &str)] = &[
    ("kahoot", "kahoot"),
    ("kahot", "kahoot"),
    ("geogebra", "geogebra"),
    ("padlet", "padlet"),
    ("google classroom", "google-classroom"),
    ("teams", "microsoft-teams-education"),
    ("minecraft", "minecraft-education"),
    ("itslearning", "itslearning"),
    ("vigilo", "vigilo"),
    ("quizlet", "quizlet"),
    ("mentimeter", "mentimeter"),
    ("scratch", "scratch"),
    ("salaby", "salaby"),
    ("book creator", "book-creator"),
];

fn top_hits(server: &Server) -> Vec<(String, String)> {
    let http = client();
    caught_up(&http, server);
    OBVIOUS
        .iter()
        .map(|(q, _)| {
            let hit = first_hit(&http, server, q);
            (
                q.to_string(),
                hit["tool"]["slug"]
                    .as_str()
                    .unwrap_or("(ingen treff)")
                    .to_string(),
            )
        })
        .collect()
}

fn expected_top_hits() -> Vec<(String, String)> {
    OBVIOUS
        .iter()
        .map(|(q, slug)| (q.to_string(), slug.to_string()))
        .collect()
}

#[test]
fn both_backends_put_the_name_match_first_for_the_sample_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tantivy = Server::start(dir.path(), &[]);
    assert_eq!(top_hits(&tantivy), expected_top_hits(), "tantivy");
    drop(tantivy);

    let meili = match MeiliServer::start_or_skip("both_backends_put_the_name_match_first") {
        Ok(Some(server)) => server,
        Ok(None) => return,
        Err(e) => panic!("{e}"),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let meilisearch = Server::start(
        dir.path(),
        &[
            ("TOOLREG_SEARCH_URL", meili.url.as_str()),
            ("TOOLREG_SEARCH_API_KEY", MASTER_KEY),
        ],
    );
    let (_, ready) = get_json(&client(), &meilisearch.url("/readyz"));
    assert_eq!(
        ready["checks"]["search"]["backend"], "meilisearch",
        "{ready}"
    );
    assert_eq!(top_hits(&meilisearch), expected_top_hits(), "meilisearch");
}

#[test]
fn search_answers_with_hits_facets_pages_and_suggestions_and_names_bad_parameters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[]);
    let http = client();
    let search = caught_up(&http, &server);
    let tools = search["documents"].as_u64().expect("documents");
    assert!(tools >= 10, "{search}");

    // A typo in a name: the name matched, and where.
    let (status, body) = get_json(
        &http,
        &server.url("/api/v1/search?q=kahot&facets=verdict_level,category"),
    );
    assert_eq!(status, 200, "{body}");
    let hit = &body["items"][0];
    assert_eq!(hit["tool"]["slug"], "kahoot");
    assert_eq!(hit["highlights"][0]["field"], "name", "{hit}");
    assert_eq!(hit["highlights"][0]["matches"][0], json!([0, 6]), "{hit}");

    // Facet counts over all tools add up to the total, and filtering by a
    // value finds exactly its count.
    let (_, all) = get_json(&http, &server.url("/api/v1/search?facets=verdict_level"));
    assert_eq!(all["estimated_total"], tools);
    let levels = all["facets"]["verdict_level"].as_array().expect("facet");
    let sum: u64 = levels.iter().filter_map(|v| v["count"].as_u64()).sum();
    assert_eq!(sum, tools, "{levels:?}");
    for level in levels {
        let value = level["value"].as_str().expect("value");
        assert!(level["label"].is_string(), "a label for people: {level}");
        let (_, filtered) = get_json(
            &http,
            &server.url(&format!("/api/v1/search?verdict_level={value}&limit=50")),
        );
        assert_eq!(filtered["estimated_total"], level["count"], "{value}");
        for item in filtered["items"].as_array().expect("items") {
            let found = item["verdict"]["level"].as_str().unwrap_or("not_assessed");
            assert_eq!(found, value, "{item}");
        }
    }

    // Pages by name through the cursor and Link, no tool twice.
    let r = http
        .get(server.url("/api/v1/search?sort=name&limit=7"))
        .send()
        .expect("GET");
    assert!(link(&r).contains("rel=\"next\""), "{}", link(&r));
    let mut page: Value = r.json().expect("json");
    let mut names = Vec::new();
    loop {
        for item in page["items"].as_array().expect("items") {
            names.push(item["tool"]["name"].as_str().expect("name").to_lowercase());
        }
        let Some(cursor) = page["next_cursor"].as_str() else {
            break;
        };
        page = get_json(
            &http,
            &server.url(&format!("/api/v1/search?sort=name&limit=7&cursor={cursor}")),
        )
        .1;
    }
    assert_eq!(names.len() as u64, tools);
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");

    // Suggestions for a search box.
    let (status, suggest) = get_json(&http, &server.url("/api/v1/search/suggest?q=geog"));
    assert_eq!(status, 200);
    assert_eq!(suggest["items"][0]["slug"], "geogebra", "{suggest}");

    // A bad parameter is a problem naming it.
    for (query, param) in [
        ("/api/v1/search?limit=0", "/limit"),
        ("/api/v1/search?verdict_level=great", "/verdict_level"),
        ("/api/v1/search?facets=colour", "/facets"),
        ("/api/v1/search?cursor=not-a-cursor", "/cursor"),
        ("/api/v1/search?sort=random", "/sort"),
        ("/api/v1/search/suggest?q=ka&limit=9", "/limit"),
    ] {
        let r = http.get(server.url(query)).send().expect("GET");
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{query}"
        );
        let problem: Value = r.json().expect("problem");
        assert_eq!(problem["errors"][0]["pointer"], param, "{query}: {problem}");
    }
}
