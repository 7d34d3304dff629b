//! Concurrent writers against the running binary, on SQLite and PostgreSQL.
//!
//! - Every `If-Match` route: 8 writers send the same ETag at once; exactly
//!   one wins, the other seven get 412, and what is stored is the winner's.
//! - On SQLite, 8 writers for 20 s never see a 5xx.
//! - Concurrent publishes (and withdrawals) of assessments covering one tool
//!   all succeed.

use reqwest::blocking::Response;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::Barrier;
use std::time::{Duration, Instant};
use toolreg_tests::{etag, Api, TestDb};

const WRITERS: usize = 8;
const ROUNDS: usize = 50;

/// What one race of writers on one route looks like.
struct Route<'a> {
    name: &'a str,
    path: String,
    token: &'a str,
    /// The body writer `n` sends; each one distinct.
    body: Box<dyn Fn(usize, usize) -> Value + Sync + 'a>,
    /// The field of the stored resource that says whose write won.
    marker: fn(&Value) -> Value,
    /// Where to read the resource back (and the ETag to race with).
    read_path: String,
}

fn race(api: &Api, route: &Route, round: usize) {
    let (tag, _) = api.read(&route.read_path, route.token);
    let barrier = Barrier::new(WRITERS);
    let results: Vec<(usize, u16)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|n| {
                let body = (route.body)(round, n);
                let (barrier, tag) = (&barrier, &tag);
                s.spawn(move || {
                    barrier.wait();
                    let r = api.send(
                        Method::PUT,
                        &route.path,
                        route.token,
                        Some(tag),
                        Some(&body),
                    );
                    (n, r.status().as_u16())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let winners: Vec<usize> = results
        .iter()
        .filter(|(_, s)| (200..300).contains(s))
        .map(|(n, _)| *n)
        .collect();
    let stale = results.iter().filter(|(_, s)| *s == 412).count();
    assert_eq!(
        (winners.len(), stale),
        (1, WRITERS - 1),
        "{} round {round}: one winner and the rest 412, got {results:?}",
        route.name
    );
    let (_, stored) = api.read(&route.read_path, route.token);
    assert_eq!(
        (route.marker)(&stored),
        (route.marker)(&(route.body)(round, winners[0])),
        "{} round {round}: the stored content is the winner's",
        route.name
    );
}

fn tool_input(vendor: &Value, slug: &str, summary: String) -> Value {
    json!({
        "slug": slug, "name": format!("Verktøy {slug}"), "vendor_id": vendor["id"], "summary": summary,
        "categories": ["quiz"], "age_bands": ["grades_5_7"], "login_methods": ["feide"],
        "processes_personal_data": "yes", "personal_data_basis": ["account"]
    })
}

fn draft(summary: String) -> Value {
    json!({
        "level": "approved_with_conditions",
        "summary": summary,
        "rationale": "Vurdert etter nasjonal mal.",
        "conditions": [{"text": "Bruk Feide-innlogging", "audience": "school_owner", "setting_key": "login.feide_only", "mandatory": true}],
        "findings": [],
        "data_flows": [],
        "change_note": "Samtidig endring"
    })
}

struct Fixture {
    vendor: Value,
    reviewer: Value,
    tool: Value,
}

fn fixture(api: &Api, slug: &str) -> Fixture {
    let vendor = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "vendor", "name": format!("Leverandør {slug}"), "country": "NO"}),
    );
    let reviewer = match api
        .send(
            Method::POST,
            "/organisations",
            &api.admin,
            None,
            Some(&json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"})),
        )
        .json::<Value>()
    {
        Ok(v) if v["id"].is_string() => v,
        _ => {
            // Already registered by an earlier fixture in this database.
            let (_, list) = api.read("/organisations?kind=reviewer", &api.admin);
            list["items"][0].clone()
        }
    };
    let tool = api.created(
        "/tools",
        &api.drafter,
        &tool_input(&vendor, slug, "Første".into()),
    );
    Fixture {
        vendor,
        reviewer,
        tool,
    }
}

fn new_assessment(api: &Api, f: &Fixture, title: &str) -> String {
    let a = api.created(
        "/assessments",
        &api.drafter,
        &json!({"kind": "dpia", "title": title, "tool_ids": [f.tool["id"]], "reviewer_org_id": f.reviewer["id"]}),
    );
    a["id"].as_str().expect("assessment id").to_string()
}

fn one_winner_per_if_match(api: &Api) {
    let f = fixture(api, "samtidig");
    let assessment = new_assessment(api, &f, "Samtidige utkast");
    let vendor_id = f.vendor["id"].as_str().expect("vendor id").to_string();
    let routes = [
        Route {
            name: "PUT /tools/{id}",
            path: "/tools/samtidig".into(),
            read_path: "/tools/samtidig".into(),
            token: &api.drafter,
            body: Box::new(|round, n| {
                tool_input(&f.vendor, "samtidig", format!("runde {round} skriver {n}"))
            }),
            marker: |v| v["summary"].clone(),
        },
        Route {
            name: "PUT /assessments/{id}/draft",
            path: format!("/assessments/{assessment}/draft"),
            read_path: format!("/assessments/{assessment}/draft"),
            token: &api.drafter,
            body: Box::new(|round, n| draft(format!("runde {round} skriver {n}"))),
            marker: |v| {
                let d = if v["draft"].is_object() {
                    &v["draft"]
                } else {
                    v
                };
                d["summary"].clone()
            },
        },
        Route {
            name: "PUT /organisations/{id}",
            path: format!("/organisations/{vendor_id}"),
            read_path: format!("/organisations/{vendor_id}"),
            token: &api.admin,
            body: Box::new(
                |round, n| json!({"kind": "vendor", "name": format!("Leverandør runde {round} skriver {n}"), "country": "NO"}),
            ),
            marker: |v| v["name"].clone(),
        },
    ];
    for round in 0..ROUNDS {
        for route in &routes {
            race(api, route, round);
        }
    }
    publish_races(api, &f);
}

/// Save a new draft of `assessment` as the drafter; the draft's ETag.
fn save_draft(api: &Api, assessment: &str, summary: String) -> String {
    let path = format!("/assessments/{assessment}/draft");
    let (tag, _) = api.read(&path, &api.drafter);
    let saved = api.put(&path, &api.drafter, &tag, &draft(summary));
    assert_eq!(saved.status(), 200);
    etag(&saved)
}

/// `POST /assessments/{id}/publish` takes If-Match too: 8 publishers with
/// the ETag of one draft publish it once; the other seven get 412.
fn publish_races(api: &Api, f: &Fixture) {
    let assessment = new_assessment(api, f, "Samtidig publisering");
    let publish_path = format!("/assessments/{assessment}/publish");
    for round in 0..ROUNDS {
        let tag = save_draft(api, &assessment, format!("Publiseringsrunde {round}"));
        let barrier = Barrier::new(WRITERS);
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..WRITERS)
                .map(|_| {
                    let (barrier, tag, path) = (&barrier, &tag, &publish_path);
                    s.spawn(move || {
                        barrier.wait();
                        api.send(Method::POST, path, &api.publisher, Some(tag), None)
                            .status()
                            .as_u16()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("publisher"))
                .collect()
        });
        let published = statuses.iter().filter(|s| **s == 201).count();
        let stale = statuses.iter().filter(|s| **s == 412).count();
        assert_eq!(
            (published, stale),
            (1, WRITERS - 1),
            "publish round {round}: {statuses:?}"
        );
        let (_, a) = api.read(&format!("/assessments/{assessment}"), &api.drafter);
        assert_eq!(a["latest_version"], round + 1, "one version per round");
    }
}

#[test]
fn if_match_has_one_winner_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    one_winner_per_if_match(&api);
}

#[test]
fn if_match_has_one_winner_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_DATABASE_URL", db.url())]);
    one_winner_per_if_match(&api);
}

/// 8 writers for 20 s on the embedded default: edits with fresh and stale
/// ETags, new tools, drafts. 412 is a fair answer; 5xx never is.
#[test]
fn sustained_writers_never_see_5xx_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    let f = fixture(&api, "last");
    let assessment = new_assessment(&api, &f, "Last");
    let until = Instant::now() + Duration::from_secs(20);
    let tallies: Vec<(usize, Vec<(String, u16)>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WRITERS)
            .map(|n| {
                let (api, f, assessment) = (&api, &f, &assessment);
                s.spawn(move || {
                    let mut ok = 0;
                    let mut failures = Vec::new();
                    let mut i = 0usize;
                    while Instant::now() < until {
                        i += 1;
                        let (what, r) = match i % 3 {
                            0 => {
                                let (tag, _) = api.read("/tools/last", &api.drafter);
                                let body = tool_input(&f.vendor, "last", format!("{n}-{i}"));
                                (
                                    "tool",
                                    api.send(
                                        Method::PUT,
                                        "/tools/last",
                                        &api.drafter,
                                        Some(&tag),
                                        Some(&body),
                                    ),
                                )
                            }
                            1 => {
                                let path = format!("/assessments/{assessment}/draft");
                                let (tag, _) = api.read(&path, &api.drafter);
                                let body = draft(format!("{n}-{i}"));
                                (
                                    "draft",
                                    api.send(
                                        Method::PUT,
                                        &path,
                                        &api.drafter,
                                        Some(&tag),
                                        Some(&body),
                                    ),
                                )
                            }
                            _ => {
                                let body =
                                    tool_input(&f.vendor, &format!("ny-{n}-{i}"), "Ny".into());
                                (
                                    "create",
                                    api.send(
                                        Method::POST,
                                        "/tools",
                                        &api.drafter,
                                        None,
                                        Some(&body),
                                    ),
                                )
                            }
                        };
                        let status = r.status().as_u16();
                        if status >= 500 {
                            failures.push((
                                format!("{what}: {}", r.text().unwrap_or_default()),
                                status,
                            ));
                        } else if (200..300).contains(&status) {
                            ok += 1;
                        }
                    }
                    (ok, failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer"))
            .collect()
    });
    let ok: usize = tallies.iter().map(|(ok, _)| ok).sum();
    let failures: Vec<_> = tallies.into_iter().flat_map(|(_, f)| f).collect();
    assert!(
        failures.is_empty(),
        "{} of the writes answered 5xx, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(ok > 100, "only {ok} writes succeeded in 20 s");
}

/// Publishing and withdrawing several assessments of one tool at once: each
/// is a legitimate change and must succeed.
fn concurrent_publishes_all_succeed(api: &Api) {
    const PARALLEL: usize = 6;
    let f = fixture(api, "mange-vurderinger");
    for round in 0..5 {
        let drafts: Vec<(String, String)> = (0..PARALLEL)
            .map(|n| {
                let a = new_assessment(api, &f, &format!("Vurdering {round}-{n}"));
                let tag = save_draft(api, &a, format!("Vurdering {round}-{n}"));
                (a, tag)
            })
            .collect();
        let all = |f: &(dyn Fn(&str, &str) -> Response + Sync)| -> Vec<u16> {
            let barrier = Barrier::new(PARALLEL);
            std::thread::scope(|s| {
                let hs: Vec<_> = drafts
                    .iter()
                    .map(|(a, tag)| {
                        let barrier = &barrier;
                        s.spawn(move || {
                            barrier.wait();
                            f(a, tag).status().as_u16()
                        })
                    })
                    .collect();
                hs.into_iter().map(|h| h.join().expect("thread")).collect()
            })
        };
        let published = all(&|a, tag| {
            api.send(
                Method::POST,
                &format!("/assessments/{a}/publish"),
                &api.publisher,
                Some(tag),
                None,
            )
        });
        assert!(
            published.iter().all(|s| *s == 201),
            "round {round}: every publish succeeds, got {published:?}"
        );
        let withdrawn = all(&|a, _| {
            api.send(
                Method::POST,
                &format!("/assessments/{a}/withdraw"),
                &api.publisher,
                None,
                Some(&json!({"reason": "Erstattet av ny vurdering"})),
            )
        });
        assert!(
            withdrawn.iter().all(|s| *s == 200),
            "round {round}: every withdrawal succeeds, got {withdrawn:?}"
        );
    }
}

#[test]
fn concurrent_publishes_of_one_tool_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_DATABASE_URL", db.url())]);
    concurrent_publishes_all_succeed(&api);
}

#[test]
fn concurrent_publishes_of_one_tool_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    concurrent_publishes_all_succeed(&api);
}
