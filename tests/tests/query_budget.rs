//! Each read route runs a fixed number of database statements, whatever
//! the catalogue's size, on both backends: the real binary answers its
//! count in `Server-Timing` (`TOOLREG_SERVER_TIMING=true`) and every route
//! here has a budget it must not exceed. A query per tool (N+1) on a page
//! of 31 tools would exceed every list budget many times over.

use std::path::Path;
use toolreg_tests::{run, Api, TestDb};

/// The statements a request ran, from its `Server-Timing` header.
fn queries(r: &reqwest::blocking::Response) -> u32 {
    let header = r
        .headers()
        .get("server-timing")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no Server-Timing on {}", r.url()));
    header
        .split("desc=\"")
        .nth(1)
        .and_then(|d| d.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no query count in {header:?}"))
}

/// The service on the sample data, answering Server-Timing; with
/// `cache_mib = "0"` every read builds its body from the database.
fn start(dir: &Path, db: Option<&TestDb>, cache_mib: &str) -> Api {
    let mut env = vec![
        ("TOOLREG_RATE_LIMIT", "false"),
        ("TOOLREG_SERVER_TIMING", "true"),
        ("TOOLREG_RESPONSE_CACHE_MIB", cache_mib),
    ];
    if let Some(db) = db {
        env.push(("TOOLREG_DATABASE_URL", db.url()));
        let out = run(dir, &["seed"], &env);
        assert!(out.status.success(), "seed: {out:?}");
    }
    Api::start(dir, &env)
}

/// (path under the service's root, statements allowed). A read not served
/// from the response cache is the store generation (is a cached body
/// current?) and then what building the body needs: one statement for a
/// tool, two for a page of tools (its ids, then their views).
const BUDGETS: &[(&str, u32)] = &[
    ("/api/v1/tools/kahoot", 2),
    // The page also shows the subprocessor list, documents and reviewer.
    ("/verktoy/kahoot", 7),
    ("/api/v1/tools/kahoot/verdicts", 2),
    ("/api/v1/tools/kahoot/subprocessors", 2),
    ("/api/v1/tools", 3),
    ("/api/v1/tools?limit=5", 3),
    ("/api/v1/tools?category=quiz", 3),
    ("/api/v1/tools?login_method=feide&age_band=grades_5_7", 3),
    ("/api/v1/tools?verdict_level=not_assessed", 3),
    (
        "/api/v1/tools?verdict_level=approved_with_conditions&has_third_country_transfer=true",
        3,
    ),
    (
        "/api/v1/tools?processes_personal_data=yes&vendor=00000000-0000-0000-0000-000000000000",
        3,
    ),
];

#[test]
fn read_routes_stay_within_their_query_budgets() {
    let mut backends: Vec<Option<TestDb>> = vec![None];
    match TestDb::postgres() {
        Some(db) => backends.push(Some(db)),
        None => println!("SKIPPED on PostgreSQL: no TOOLREG_TEST_POSTGRES_URL"),
    }
    for db in &backends {
        let backend = db.as_ref().map_or("sqlite", TestDb::name);
        let dir = tempfile::tempdir().expect("tempdir");
        let api = start(dir.path(), db.as_ref(), "0");
        let get = |path: &str| {
            let r = api.http.get(api.server.url(path)).send().expect("GET");
            assert_eq!(r.status(), 200, "{backend} {path}");
            r
        };
        // A tool by id as well as by slug.
        let kahoot: serde_json::Value = get("/api/v1/tools/kahoot").json().expect("tool");
        let by_id = format!("/api/v1/tools/{}", kahoot["id"].as_str().expect("id"));
        let first_page: serde_json::Value = get("/api/v1/tools?limit=5").json().expect("page");
        let cursor = first_page["next_cursor"].as_str().expect("a next page");
        let next_page = format!("/api/v1/tools?limit=5&cursor={cursor}");
        let mut budgets: Vec<(String, u32)> = BUDGETS
            .iter()
            .map(|(p, n)| ((*p).to_string(), *n))
            .collect();
        budgets.push((by_id, 2));
        budgets.push((next_page, 3));
        let mut over = Vec::new();
        for (path, budget) in &budgets {
            let n = queries(&get(path));
            println!("{backend} {path}: {n} statements");
            if n > *budget {
                over.push(format!("{path}: {n} > {budget}"));
            }
        }
        assert!(over.is_empty(), "{backend}: over budget: {over:?}");
        drop(api);

        // With the response cache, a body built once is served again for
        // the generation check alone.
        let dir = tempfile::tempdir().expect("tempdir");
        let api = start(dir.path(), db.as_ref(), "64");
        let path = api.url("/tools?category=quiz");
        let first = api.http.get(&path).send().expect("GET");
        let again = api.http.get(&path).send().expect("GET");
        assert_eq!(
            (queries(&first), queries(&again)),
            (3, 1),
            "{backend}: built, then cached"
        );
    }
}
