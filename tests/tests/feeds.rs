//! Atom feeds through the real binary, checked by a feed parser (Python's
//! feedparser, from .ci/requirements.lock): everything, one tool's, and
//! from a severity up. Without feedparser the test says it skipped, unless
//! TOOLREG_REQUIRE_FEEDPARSER=1 (CI sets it).

use serde_json::Value;
use std::process::Command;
use toolreg_tests::Api;

const PARSE: &str = r#"
import json, sys, feedparser
feed = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": feed.bozo, "error": str(feed.get("bozo_exception", "")), "version": feed.version,
    "title": feed.feed.get("title"), "language": feed.feed.get("language"),
    "entries": [{"title": e.get("title"), "id": e.get("id"), "link": e.get("link"),
                 "tags": [t["term"] for t in e.get("tags", [])]} for e in feed.entries],
}))
"#;

fn feedparser_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("TOOLREG_REQUIRE_FEEDPARSER").as_deref() != Ok("1"),
            "TOOLREG_REQUIRE_FEEDPARSER=1 but Python's feedparser is not importable"
        );
        println!("SKIPPED: Python's feedparser is not installed");
    }
    ok
}

fn parsed(api: &Api, path: &str) -> Value {
    let r = api.http.get(api.server.url(path)).send().expect("GET");
    assert_eq!(r.status(), 200, "{path}");
    let kind = r.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(kind.starts_with("application/atom+xml"), "{path}: {kind}");
    let body = r.bytes().expect("body");
    let mut child = Command::new("python3")
        .args(["-c", PARSE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&body)
            .expect("write");
    }
    let out = child.wait_with_output().expect("feedparser");
    serde_json::from_slice(&out.stdout).expect("feedparser's JSON")
}

#[test]
fn feeds_are_valid_atom_with_norwegian_titles() {
    if !feedparser_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(
        dir.path(),
        &[
            ("TOOLREG_RATE_LIMIT", "false"),
            ("TOOLREG_PUBLIC_URL", "https://toolreg.test"),
        ],
    );
    api.publish_kahoot_verdict("Ny vurdering.");

    for path in [
        "/feeds/all.atom",
        "/feeds/tools/kahoot.atom",
        "/feeds/severity/info.atom",
        "/feeds/severity/warning.atom",
        "/feeds/severity/critical.atom",
    ] {
        let feed = parsed(&api, path);
        assert_eq!(feed["bozo"], false, "{path}: {feed}");
        assert_eq!(feed["version"], "atom10", "{path}");
        assert_eq!(feed["language"], "nb", "{path}");
        assert!(
            feed["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Verktøyregisteret")),
            "{path}: {feed}"
        );
    }
    let tool = parsed(&api, "/feeds/tools/kahoot.atom");
    let titles: Vec<&str> = tool["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Vurderingen av Kahoot")
                || t.starts_with("Ny vurdering av Kahoot")),
        "{titles:?}"
    );
    let first = &tool["entries"][0];
    assert!(
        first["id"]
            .as_str()
            .is_some_and(|i| i.starts_with("urn:uuid:")),
        "{first}"
    );
    assert!(
        first["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://toolreg.test/api/v1/tools/")),
        "{first}"
    );
    assert!(
        first["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&Value::from("verdict.published"))),
        "{first}"
    );
    // One entry per event of the tool, never another tool's.
    let all = parsed(&api, "/feeds/all.atom");
    assert!(
        all["entries"].as_array().map_or(0, Vec::len)
            >= tool["entries"].as_array().map_or(0, Vec::len)
    );

    let missing = api
        .http
        .get(api.server.url("/feeds/tools/finnes-ikke.atom"))
        .send()
        .expect("GET");
    assert_eq!(missing.status(), 404);
    let bad = api
        .http
        .get(api.server.url("/feeds/severity/kanskje.atom"))
        .send()
        .expect("GET");
    assert_eq!(bad.status(), 404);
}
