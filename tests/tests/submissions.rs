//! A vendor's submission and a reviewer's triage through the real binary:
//! the vendor sends its full subprocessor list, sees it compared with the
//! current one (new third country, unknown transfer mechanism), the
//! reviewer asks for changes, the vendor revises, the reviewer accepts —
//! and the list is the tool's next revision, announced in the event log
//! with its diff. A tool proposal becomes a tool when accepted. Another
//! vendor sees none of it. Each step is a private event: the vendor and
//! the reviewers hear of it (event log and webhooks), no one else does.

use serde_json::{json, Value};
use std::time::Duration;
use toolreg_tests::receiver::Receiver;
use toolreg_tests::{token, Api};

fn entry(id: &str, name: &str, country: &str, mechanism: &str) -> Value {
    json!({"id": id, "name": name, "country": country, "role": "sub_processor",
           "purpose": "drift", "transfer_mechanism": mechanism})
}

#[test]
fn a_subprocessor_list_goes_from_submission_to_the_tools_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let vendor = token(dir.path(), "kahoot-ansatt", &["vendor"], Some("997770234"));
    let nrk = token(dir.path(), "nrk", &["vendor"], Some("976390512"));
    let reviewer = api.drafter.clone();
    let tool: Value = api.get("/tools/kahoot").json().expect("tool");
    let tool_id = tool["id"].as_str().expect("id").to_string();
    let current: Value = api
        .get("/tools/kahoot/subprocessors")
        .json()
        .expect("current list");
    let before = current["revision"].as_i64();
    // The vendor's full list as it is now: hosting as before, and a new
    // AI provider in Singapore whose transfer basis it has not given.
    let mut entries = vec![
        entry("aws", "Amazon Web Services, Inc.", "US", "dpf"),
        entry("sorost", "Sørøst KI Pte. Ltd.", "SG", "unknown"),
    ];

    let created = api.created(
        "/submissions",
        &vendor,
        &json!({"tool_id": tool_id, "comment": "Vi har tatt i bruk en KI-tjeneste.",
                "content": {"kind": "subprocessor_list", "list": {"entries": entries}}}),
    );
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(created["status"], "submitted");
    assert_eq!(
        created["review"]["new_third_countries"],
        json!(["SG"]),
        "{created}"
    );
    assert_eq!(
        created["review"]["unknown_transfer_mechanisms"],
        json!(["sorost"])
    );
    assert_eq!(created["review"]["against_revision"].as_i64(), before);
    assert_eq!(created["comments"][0]["party"], "vendor");

    // Another vendor: not in its list, 404 on the submission.
    let (_, theirs) = api.read("/submissions", &nrk);
    assert_eq!(theirs["items"], json!([]));
    let path = format!("/submissions/{id}");
    let other = api.send(reqwest::Method::GET, &path, &nrk, None, None);
    assert_eq!(other.status().as_u16(), 404);

    // The reviewer's queue has it; changes are asked for, with a reason.
    let (_, queue) = api.read("/submissions?status=submitted", &reviewer);
    assert!(queue["items"]
        .as_array()
        .is_some_and(|i| i.iter().any(|s| s["id"] == id.as_str())));
    let triage = |status: &str, comment: &str| {
        api.send(
            reqwest::Method::POST,
            &format!("{path}/triage"),
            &reviewer,
            None,
            Some(&json!({"status": status, "comment": comment})),
        )
    };
    assert_eq!(
        triage("changes_requested", "").status().as_u16(),
        422,
        "a reason is needed"
    );
    assert_eq!(triage("in_triage", "").status().as_u16(), 200);
    let asked = triage(
        "changes_requested",
        "Oppgi overføringsgrunnlag for Sørøst KI.",
    );
    assert_eq!(asked.status().as_u16(), 200);
    assert_eq!(
        triage("accepted", "").status().as_u16(),
        409,
        "the vendor revises first"
    );

    // The vendor answers in the thread and revises.
    let said = api.post(
        &format!("{path}/comments"),
        &vendor,
        &json!({"text": "Vi bruker standardavtaler (SCC)."}),
    );
    assert_eq!(said.status().as_u16(), 200);
    let last = entries.len() - 1;
    entries[last] = entry("sorost", "Sørøst KI Pte. Ltd.", "SG", "scc");
    let revised = api.send(
        reqwest::Method::PUT,
        &path,
        &vendor,
        None,
        Some(&json!({"tool_id": tool_id, "content": {"kind": "subprocessor_list", "list": {"entries": entries}}})),
    );
    assert_eq!(revised.status().as_u16(), 200);
    let revised: Value = revised.json().expect("revised");
    assert_eq!(revised["status"], "submitted");
    assert_eq!(revised["review"]["unknown_transfer_mechanisms"], json!([]));

    let (_, events_before) = api.read("/events?limit=200", &reviewer);
    let seen = events_before.as_array().map_or(0, Vec::len);
    let accepted = triage("accepted", "Godtatt.");
    assert_eq!(accepted.status().as_u16(), 200);
    let accepted: Value = accepted.json().expect("accepted");
    assert_eq!(accepted["status"], "accepted");
    let parties: Vec<&str> = accepted["comments"]
        .as_array()
        .map(|c| c.iter().filter_map(|x| x["party"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        parties,
        ["vendor", "reviewer", "vendor", "reviewer"],
        "{accepted}"
    );

    // The list is the tool's now, and the change is announced.
    let now: Value = api.get("/tools/kahoot/subprocessors").json().expect("list");
    assert_eq!(now["revision"].as_i64(), Some(before.unwrap_or(0) + 1));
    assert!(now["tree"].to_string().contains("sorost"), "{now}");
    let (_, events) = api.read("/events?limit=200", &reviewer);
    let new: Vec<&Value> = events
        .as_array()
        .map(|e| e.iter().skip(seen).collect())
        .unwrap_or_default();
    let changed = new
        .iter()
        .find(|e| e["type"] == "no.toolreg.subprocessors.changed")
        .expect("the subprocessors.changed event");
    assert_eq!(
        changed["severity"], "critical",
        "new third country: {changed}"
    );
    assert_eq!(
        changed["data"]["diff"]["third_countries_added"],
        json!(["SG"])
    );

    // A reviewer of KS opens a re-assessment of its published verdict on
    // Kahoot!: the draft reviews the new list and names the submission.
    let assessment = api.publish_kahoot_verdict("Vurdert før den nye listen.");
    let opened = api.post(&format!("{path}/reassessment"), &reviewer, &json!({}));
    assert_eq!(opened.status().as_u16(), 200);
    let opened: Value = opened.json().expect("assessment");
    assert_eq!(opened["id"], assessment.as_str());
    let reviewed = &opened["draft"]["subprocessor_revisions"];
    assert!(
        reviewed.as_array().is_some_and(|r| r.iter().any(|x| {
            x["tool_id"] == tool_id.as_str() && x["revision"].as_i64() == now["revision"].as_i64()
        })),
        "{opened}"
    );
    assert!(
        opened["draft"]["change_note"]
            .as_str()
            .is_some_and(|n| n.contains(&id) && n.contains("underleverandørliste")),
        "{opened}"
    );
    // Sikt has no assessment of Kahoot! to re-assess.
    let sikt = token(dir.path(), "sikt", &["reviewer"], Some("919477822"));
    let none = api.post(&format!("{path}/reassessment"), &sikt, &json!({}));
    assert_eq!(none.status().as_u16(), 409);

    // Closed: no more comments.
    let late = api.post(
        &format!("{path}/comments"),
        &vendor,
        &json!({"text": "Takk!"}),
    );
    assert_eq!(late.status().as_u16(), 409);
}

#[test]
fn an_accepted_tool_proposal_becomes_a_tool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let vendor = token(dir.path(), "kahoot-ansatt", &["vendor"], Some("997770234"));
    let kahoot: Value = api.get("/tools/kahoot").json().expect("tool");
    let vendor_id = kahoot["vendor_id"].as_str().expect("vendor");
    let proposal = json!({"slug": "kahoot-kids", "name": "Kahoot! Kids", "vendor_id": vendor_id,
                          "processes_personal_data": "yes", "personal_data_basis": ["account"],
                          "categories": ["quiz"]});
    // Not in another vendor's name.
    let mut foreign = proposal.clone();
    foreign["vendor_id"] = json!("0190f3a4-1c2b-7d3e-8f40-123456789abc");
    let r = api.post(
        "/submissions",
        &vendor,
        &json!({"content": {"kind": "tool_proposal", "tool": foreign}}),
    );
    assert_eq!(r.status().as_u16(), 422);
    let created = api.created(
        "/submissions",
        &vendor,
        &json!({"content": {"kind": "tool_proposal", "tool": proposal}}),
    );
    assert!(created["review"].is_null());
    assert_eq!(api.get("/tools/kahoot-kids").status().as_u16(), 404);
    let id = created["id"].as_str().expect("id");
    let r = api.post(
        &format!("/submissions/{id}/triage"),
        &api.drafter,
        &json!({"status": "accepted"}),
    );
    assert_eq!(r.status().as_u16(), 200);
    let accepted: Value = r.json().expect("accepted");
    let tool: Value = api.get("/tools/kahoot-kids").json().expect("the new tool");
    assert_eq!(tool["name"], "Kahoot! Kids");
    assert_eq!(accepted["tool_id"], tool["id"]);
}

/// The types of the submission events in a list of CloudEvents.
fn submission_events(events: &Value) -> Vec<String> {
    events
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["type"].as_str())
        .filter(|t| t.starts_with("no.toolreg.submission."))
        .map(str::to_string)
        .collect()
}

#[test]
fn submission_steps_reach_the_vendor_and_reviewers_and_no_one_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(
        dir.path(),
        &[
            ("TOOLREG_RATE_LIMIT", "false"),
            ("TOOLREG_WEBHOOK_ALLOW_HTTP", "true"),
            ("TOOLREG_WEBHOOK_ALLOW_PRIVATE", "true"),
        ],
    );
    let receiver = Receiver::start();
    let kahoot = token(dir.path(), "kahoot-ansatt", &["vendor"], Some("997770234"));
    let nrk = token(dir.path(), "nrk", &["vendor"], Some("976390512"));
    let bergen = token(dir.path(), "ombud", &["municipality"], Some("964338531"));
    let reviewer = api.drafter.clone();
    let subscribe = |as_: &str, path: &str| -> String {
        let created = api.created(
            "/subscriptions",
            as_,
            &json!({"scope": {"kind": "all"},
                    "channel": {"kind": "webhook", "url": receiver.url(path)}}),
        );
        created["id"].as_str().expect("id").to_string()
    };
    subscribe(&kahoot, "/kahoot");
    subscribe(&reviewer, "/ks");
    subscribe(&nrk, "/nrk");
    let municipality = subscribe(&bergen, "/bergen");
    let (_, own) = api.read("/subscriptions", &kahoot);
    assert_eq!(own["items"][0]["subscriber_role"], "vendor", "{own}");
    let (_, reviewers) = api.read("/subscriptions", &reviewer);
    assert_eq!(reviewers["items"][0]["subscriber_role"], "reviewer");

    // Where the log stands before the first step.
    let mut start = 0;
    loop {
        let page: Value = api
            .get(&format!("/events?after={start}&limit=200"))
            .json()
            .expect("events");
        match page.as_array().and_then(|p| p.last()) {
            Some(last) => {
                start = last["sequence"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("sequence")
            }
            None => break,
        }
    }
    let tool: Value = api.get("/tools/kahoot").json().expect("tool");
    let created = api.created(
        "/submissions",
        &kahoot,
        &json!({"tool_id": tool["id"], "comment": "Ny liste.",
                "content": {"kind": "subprocessor_list", "list": {"entries": [
                    entry("aws", "Amazon Web Services, Inc.", "US", "dpf")]}}}),
    );
    let path = format!("/submissions/{}", created["id"].as_str().expect("id"));
    let vendor_org = created["vendor_org_id"]
        .as_str()
        .expect("vendor")
        .to_string();
    let step = |as_: &str, to: &str, body: Value| {
        let r = api.send(
            reqwest::Method::POST,
            &format!("{path}/{to}"),
            as_,
            None,
            Some(&body),
        );
        assert!(r.status().is_success(), "{to}: {}", r.status());
    };
    step(&reviewer, "comments", json!({"text": "Hvor lagres data?"}));
    step(&kahoot, "comments", json!({"text": "I Irland."}));
    step(
        &reviewer,
        "triage",
        json!({"status": "changes_requested", "comment": "Legg til land for alle."}),
    );
    let steps = [
        "no.toolreg.submission.submitted",
        "no.toolreg.submission.commented",
        "no.toolreg.submission.commented",
        "no.toolreg.submission.status_changed",
    ];

    // Webhooks: the vendor and the reviewers get every step.
    let arrived = |at: &str| -> Vec<Value> {
        receiver
            .received()
            .into_iter()
            .filter(|r| r.path == at)
            .filter_map(|r| serde_json::from_slice(&r.body).ok())
            .collect()
    };
    for at in ["/kahoot", "/ks"] {
        receiver
            .wait_for(Duration::from_secs(15), |_| {
                arrived(at).len() >= steps.len()
            })
            .expect("every step arrives");
        let mut got = arrived(at);
        got.sort_by_key(|e| e["sequence"].as_str().map(str::to_string));
        assert_eq!(submission_events(&Value::from(got.clone())), steps, "{at}");
        let last = &got[steps.len() - 1];
        assert_eq!(last["audience"], vendor_org.as_str(), "{last}");
        assert_eq!(last["data"]["status"], "changes_requested");
        assert_eq!(last["data"]["text"], "Legg til land for alle.");
        assert!(last["data"]["links"]["submission"]
            .as_str()
            .is_some_and(|l| l.ends_with(&path)));
    }
    // The fan-out that made those made every delivery of these events at
    // once: another vendor and a municipality got none.
    let (_, none) = api.read(
        &format!("/subscriptions/{municipality}/deliveries"),
        &bergen,
    );
    assert_eq!(
        none["items"],
        json!([]),
        "a municipality hears nothing: {none}"
    );
    assert!(arrived("/nrk").is_empty() && arrived("/bergen").is_empty());

    // The event log: the vendor and reviewers read the steps; the public,
    // another vendor and a municipality do not.
    let log = |as_: Option<&str>| -> Vec<String> {
        let mut request = api.http.get(api.url(&format!("/events?after={start}")));
        if let Some(t) = as_ {
            request = request.bearer_auth(t);
        }
        let response = request.send().expect("events");
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            response.headers().get("vary").and_then(|v| v.to_str().ok()),
            Some("Authorization")
        );
        submission_events(&response.json().expect("json"))
    };
    assert_eq!(log(Some(&kahoot)), steps);
    assert_eq!(log(Some(&reviewer)), steps);
    assert_eq!(log(Some(&api.admin)), steps);
    for outsider in [None, Some(nrk.as_str()), Some(bergen.as_str())] {
        assert!(log(outsider).is_empty(), "{outsider:?}");
    }
    // Nor the public feed.
    let feed = api
        .http
        .get(api.server.url("/feeds/all.atom"))
        .send()
        .expect("feed")
        .text()
        .expect("text");
    assert!(!feed.contains("innsending"), "{feed}");
}
