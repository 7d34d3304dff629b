//! The event log and the audit trail against the running binary: every
//! change is in both under one addressing scheme, the log reads in order as
//! CloudEvents, and a reader polling `after=` never misses an event, also
//! with 8 concurrent writers on PostgreSQL.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use toolreg_tests::{link, Api, TestDb};

fn tool_input(vendor: &Value, slug: &str, summary: &str) -> Value {
    json!({
        "slug": slug, "name": format!("Verktøy {slug}"), "vendor_id": vendor["id"], "summary": summary,
        "categories": ["quiz"], "age_bands": ["grades_5_7"], "login_methods": ["feide"],
        "processes_personal_data": "yes", "personal_data_basis": ["account"]
    })
}

/// Every event after `after`, following `Link: rel="next"` page by page.
fn events_after(api: &Api, after: i64, limit: u32) -> Vec<Value> {
    let mut out = Vec::new();
    let mut path = format!("/events?after={after}&limit={limit}");
    loop {
        let r = api.send(reqwest::Method::GET, &path, &api.admin, None, None);
        assert_eq!(r.status(), 200, "GET {path}");
        let next = Some(link(&r)).filter(|l| !l.is_empty());
        let page: Vec<Value> = r.json().expect("events");
        out.extend(page);
        match next {
            // `</api/v1/events?after=…&limit=…>; rel="next"`
            Some(link) => {
                let target = link
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .expect("link target")
                    .trim_start_matches("/api/v1")
                    .to_string();
                path = target;
            }
            None => return out,
        }
    }
}

fn sequence(e: &Value) -> i64 {
    e["sequence"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("sequence")
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn every_change_is_in_the_event_log_and_the_audit_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_SEED", "false")]);
    let vendor = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "vendor", "name": "Kahoot! AS", "country": "NO"}),
    );
    let reviewer = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"}),
    );
    assert!(
        events_after(&api, 0, 50).is_empty(),
        "organisations are audited, not announced"
    );

    let tool = api.created(
        "/tools",
        &api.drafter,
        &tool_input(&vendor, "kahoot", "Quiz"),
    );
    let tool_id = tool["id"].as_str().expect("id").to_string();
    let (tag, _) = api.read("/tools/kahoot", &api.drafter);
    let r = api.put(
        "/tools/kahoot",
        &api.drafter,
        &tag,
        &tool_input(&vendor, "kahoot", "Quiz for hele klassen"),
    );
    assert_eq!(r.status(), 200);

    // A reviewer records the subprocessor list; the answer carries the diff.
    let list = json!({"note": "Fra leverandøren", "entries": [
        {"id": "aws", "name": "Amazon Web Services, Inc.", "country": "US", "role": "sub_processor",
         "transfer_mechanism": "dpf"}
    ]});
    let recorded = api.created("/tools/kahoot/subprocessors/revisions", &api.drafter, &list);
    assert_eq!(recorded["revision"], 1);
    assert_eq!(recorded["diff"]["third_countries_added"], json!(["US"]));
    assert_eq!(recorded["diff"]["added"][0]["id"], "aws");
    let anonymous = api
        .http
        .post(api.url("/tools/kahoot/subprocessors/revisions"))
        .json(&list)
        .send()
        .expect("POST");
    assert_eq!(anonymous.status(), 401);
    let (_, tree) = api.read("/tools/kahoot/subprocessors", &api.drafter);
    assert_eq!(tree["summary"]["third_countries"], json!(["US"]));
    let (_, transferring) = api.read("/tools?has_third_country_transfer=true", &api.drafter);
    assert_eq!(transferring["items"][0]["slug"], "kahoot");

    let (a, draft) = api.draft_verdict(&tool_id, &reviewer, "UTKAST-HEMMELIG");
    let before_publish = events_after(&api, 0, 50);
    assert_eq!(
        types(&before_publish),
        [
            "no.toolreg.tool.created",
            "no.toolreg.tool.updated",
            "no.toolreg.subprocessors.changed"
        ],
        "drafts and assessments in progress are never announced"
    );
    assert!(!serde_json::to_string(&before_publish)
        .expect("json")
        .contains("UTKAST-HEMMELIG"));

    api.publish(&a, &draft);
    let r = api.post(
        &format!("/assessments/{a}/withdraw"),
        &api.publisher,
        &json!({"reason": "Erstattet"}),
    );
    assert_eq!(r.status(), 200);

    // The whole log, two at a time through `Link`, in order.
    let events = events_after(&api, 0, 2);
    assert_eq!(
        types(&events),
        [
            "no.toolreg.tool.created",
            "no.toolreg.tool.updated",
            "no.toolreg.subprocessors.changed",
            "no.toolreg.verdict.published",
            "no.toolreg.verdict.withdrawn"
        ]
    );
    let sequences: Vec<i64> = events.iter().map(sequence).collect();
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    for e in &events {
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["subject"], format!("tools/{tool_id}"));
        assert_eq!(e["source"], "/api/v1");
    }
    let severities: Vec<&str> = events
        .iter()
        .map(|e| e["severity"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        severities,
        ["info", "info", "critical", "warning", "critical"]
    );
    assert_eq!(events[1]["data"]["changed_fields"], json!(["summary"]));
    assert_eq!(events[3]["data"]["level_after"], "approved_with_conditions");
    assert_eq!(
        events[4]["data"]["level_before"],
        "approved_with_conditions"
    );
    let after_third = events_after(&api, sequences[2], 50);
    assert_eq!(after_third.len(), 2, "after= reads on from a sequence");

    // The audit trail names the same resources; an assessment's path covers
    // its versions.
    let audit = |target: &str| -> Vec<String> {
        let (_, entries) = api.read(&format!("/audit?target={target}"), &api.admin);
        entries
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        audit(&format!("assessments/{a}")),
        [
            "assessment.create",
            "assessment.draft",
            "assessment.publish",
            "assessment.withdraw"
        ]
    );
    assert_eq!(
        audit(&format!("tools/{tool_id}")),
        ["tool.create", "tool.update", "subprocessors.revise"]
    );
    let r = api.send(
        reqwest::Method::GET,
        "/audit?limit=2",
        &api.admin,
        None,
        None,
    );
    let next = link(&r);
    assert!(
        next.contains("after=") && next.contains("rel=\"next\""),
        "{next}"
    );
}

/// 8 writers create tools on PostgreSQL while a reader polls the log with
/// `after=` its last sequence. The reader must see every event exactly
/// once, in order: a sequence number taken by one transaction and committed
/// after a higher one would be skipped.
#[test]
fn a_poller_never_misses_an_event_under_concurrent_writers_on_postgres() {
    let Some(db) = TestDb::postgres() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(
        dir.path(),
        &[
            ("TOOLREG_DATABASE_URL", db.url()),
            ("TOOLREG_SEED", "false"),
        ],
    );
    let vendor = api.created(
        "/organisations",
        &api.admin,
        &json!({"kind": "vendor", "name": "Leverandør", "country": "NO"}),
    );
    const WRITERS: usize = 8;
    const PER_WRITER: usize = 25;
    let writing = AtomicBool::new(true);
    let seen: Vec<i64> = std::thread::scope(|s| {
        let poller = s.spawn(|| {
            let mut seen = Vec::new();
            let mut last = 0;
            loop {
                let done = !writing.load(Ordering::SeqCst);
                // Signed in: anonymous readers share a small budget.
                let path = format!("/events?after={last}&limit=200");
                let r = api.send(reqwest::Method::GET, &path, &api.admin, None, None);
                assert_eq!(r.status(), 200);
                let page: Vec<Value> = r.json().expect("events");
                for e in &page {
                    seen.push(sequence(e));
                }
                if let Some(e) = page.last() {
                    last = sequence(e);
                }
                // One more full read after the writers stopped.
                if done && page.is_empty() {
                    return seen;
                }
            }
        });
        let statuses: Vec<u16> = std::thread::scope(|w| {
            let writers: Vec<_> = (0..WRITERS)
                .map(|n| {
                    let (api, vendor) = (&api, &vendor);
                    w.spawn(move || {
                        (0..PER_WRITER)
                            .map(|i| {
                                let slug = format!("w{n}-t{i}");
                                let body = tool_input(vendor, &slug, "x");
                                api.post("/tools", &api.admin, &body).status().as_u16()
                            })
                            .collect::<Vec<u16>>()
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        // Stop the poller before asserting, so a failed writer cannot leave
        // it polling forever.
        writing.store(false, Ordering::SeqCst);
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        poller.join().expect("poller")
    });
    let all: Vec<i64> = events_after(&api, 0, 200).iter().map(sequence).collect();
    assert_eq!(all.len(), WRITERS * PER_WRITER);
    let distinct: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "no event seen twice");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in sequence order");
    assert_eq!(seen, all, "the poller saw every event the log holds");
}
