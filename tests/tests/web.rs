//! The web catalogue through the real binary: every page type in bokmål
//! with an ETag and 304, a content security policy that allows nothing
//! from elsewhere, assets under hashed names cached for a year, a typical
//! tool page under 100 KB with its CSS and script, Norwegian error pages,
//! links both ways between a page and its JSON, and a page that changes
//! when its verdict does. Then the browser journey (`tests/browser`):
//! Debian's chromium through puppeteer-core, axe-core on every page type,
//! JavaScript off, and the Nu HTML validator; it says it skipped without
//! node modules or chromium, unless TOOLREG_REQUIRE_BROWSER=1 (CI sets it).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use toolreg_tests::Api;

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

fn page(api: &Api, path: &str) -> Page {
    let r = api.http.get(api.server.url(path)).send().expect("GET");
    Page {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().expect("body"),
    }
}

#[test]
fn pages_are_norwegian_cacheable_small_and_linked_to_their_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let vendor: Value = api.get("/tools/kahoot").json::<Value>().expect("tool")["vendor"].clone();
    let vendor_page = format!("/leverandorer/{}", vendor["id"].as_str().expect("id"));
    for path in [
        "/",
        "/sok?q=kahot",
        "/verktoy/kahoot",
        "/verktoy/kahoot/historikk",
        vendor_page.as_str(),
        "/om",
    ] {
        let p = page(&api, path);
        let body = &p.body;
        assert_eq!(p.status, 200, "{path}");
        assert_eq!(
            p.header("content-type"),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert!(
            body.starts_with("<!doctype html>\n<html lang=\"nb\">"),
            "{path}"
        );
        assert!(
            body.contains("Hopp til hovedinnholdet"),
            "{path}: skip link"
        );
        assert!(
            body.contains("illustrerende eksempler"),
            "{path}: sample data labelled"
        );
        let csp = p.header("content-security-policy");
        assert!(
            csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
            "{path}: {csp}"
        );
        assert!(
            !body.contains("http://") && !body.contains("https://cdn"),
            "{path}: nothing from elsewhere"
        );
        assert_eq!(
            page(&api, path).header("etag"),
            p.header("etag"),
            "{path}: stable"
        );
        let again = api
            .http
            .get(api.server.url(path))
            .header("If-None-Match", p.header("etag"))
            .send()
            .expect("GET");
        assert_eq!(again.status(), 304, "{path}: revalidated");
    }

    // Assets: hashed names, a year's caching; a name not in use is 404.
    let tool_page = page(&api, "/verktoy/kahoot").body;
    let asset = |ext: &str| -> String {
        tool_page
            .split('"')
            .find(|s| s.starts_with("/static/catalogue.") && s.ends_with(ext))
            .expect("asset link")
            .to_string()
    };
    let mut total = tool_page.len();
    for ext in [".css", ".js"] {
        let r = api
            .http
            .get(api.server.url(&asset(ext)))
            .send()
            .expect("asset");
        assert_eq!(r.status(), 200, "{ext}");
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("public, max-age=31536000, immutable")
        );
        total += r.bytes().expect("bytes").len();
    }
    assert!(
        total < 100 * 1024,
        "a tool page with its CSS and script is {total} bytes"
    );
    let old = api
        .http
        .get(api.server.url("/static/catalogue.000000000000.css"))
        .send()
        .expect("GET");
    assert_eq!(old.status(), 404);

    // Errors are pages, in Norwegian, with the right status.
    let missing = page(&api, "/verktoy/finnes-ikke");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("content-type"), "text/html; charset=utf-8");
    assert!(missing.body.contains("Fant ikke"), "{}", missing.body);
    let bad = page(&api, "/verktoy/kahoot?dato=i-morgen");
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("åååå-mm-dd"), "{}", bad.body);
    assert_eq!(page(&api, "/sok?side=0").status, 400);

    // Links both ways: the API's tool names its page and feed; the page
    // names its JSON and feed.
    let body: Value = api.get("/tools/kahoot").json().expect("tool");
    let page_path = body["links"]["page"].as_str().expect("page link");
    assert_eq!(page_path, "/verktoy/kahoot");
    let feed = body["links"]["feed"].as_str().expect("feed link");
    assert_eq!(
        api.http
            .get(api.server.url(feed))
            .send()
            .expect("feed")
            .status(),
        200
    );
    assert!(tool_page.contains("href=\"/api/v1/tools/kahoot\""));
    assert!(tool_page.contains(&format!("href=\"{feed}\"")));
    assert!(tool_page.contains("href=\"/api/v1/openapi.json\""));

    // A new verdict is on the page at once: a new ETag, the new summary.
    let before = page(&api, page_path);
    api.publish_kahoot_verdict("Kan brukes uten elevkonto etter ny vurdering.");
    let after = page(&api, page_path);
    assert_ne!(after.header("etag"), before.header("etag"));
    assert!(after
        .body
        .contains("Kan brukes uten elevkonto etter ny vurdering."));
}

/// Where the journey's screenshots go: `target/catalogue-screenshots`.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("catalogue-screenshots")
}

/// Node, the browser test's modules and chromium, or why not.
fn browser_missing(browser_dir: &Path) -> Option<String> {
    let chromium = std::env::var("TOOLREG_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("no chromium at {chromium}"));
    }
    if !browser_dir.join("node_modules/puppeteer-core").exists() {
        return Some("tests/browser has no node_modules (run `npm ci` there)".into());
    }
    if Command::new("java").arg("-version").output().is_err() {
        return Some("no java for the Nu HTML validator".into());
    }
    None
}

#[test]
fn the_catalogue_works_in_a_real_browser() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    if let Some(why) = browser_missing(&browser_dir) {
        assert!(
            std::env::var("TOOLREG_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "TOOLREG_REQUIRE_BROWSER=1 but {why}"
        );
        println!("SKIPPED: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let out = screenshot_dir();
    // Bergen's printable record of processing, read with Bergen's token.
    let bergen = api.organisation_id("964338531");
    let bergen_token =
        toolreg_tests::token(dir.path(), "bergen", &["municipality"], Some("964338531"));
    let run = Command::new("node")
        .arg(browser_dir.join("catalogue.mjs"))
        .arg(api.server.url(""))
        .arg(&out)
        .arg(format!("/kommuner/{bergen}/behandlingsprotokoll"))
        .arg(&bergen_token)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "the browser test printed no report: {}\n{}",
            stdout,
            String::from_utf8_lossy(&run.stderr)
        )
    });
    assert_eq!(report["failures"], serde_json::json!([]), "{report:#}");
    assert!(run.status.success(), "{report:#}");
    // Every page type was audited and photographed.
    for name in [
        "start",
        "search",
        "tool",
        "history",
        "compare",
        "as-of",
        "vendor",
        "about",
        "not-found",
        "processing-record",
    ] {
        assert!(report["pages"][name].is_object(), "{name} audited");
        assert!(
            out.join(format!("{name}.png")).exists(),
            "{name} screenshot"
        );
    }
    assert!(report["javascript_off"]
        .as_array()
        .is_some_and(|a| a.len() >= 6));
    println!("screenshots in {}", out.display());
}
