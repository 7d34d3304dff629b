//! Change notifications through the real binary: a municipality subscribes
//! by webhook, a verdict is published, and a receiver started here gets
//! the event, signed with the secret the subscription was given; its
//! deliveries say so. Internal webhook targets are refused at registration.

use serde_json::{json, Value};
use std::time::Duration;
use toolreg_notify::signing::SigningSecret;
use toolreg_notify::test_support::SmtpSink;
use toolreg_tests::receiver::Receiver;
use toolreg_tests::{token, Api};

fn bergen(dir: &std::path::Path) -> String {
    token(dir, "personvernombud", &["municipality"], Some("964338531"))
}

#[test]
fn a_published_verdict_reaches_a_subscribed_webhook_signed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(
        dir.path(),
        &[
            ("TOOLREG_RATE_LIMIT", "false"),
            ("TOOLREG_WEBHOOK_ALLOW_HTTP", "true"),
            ("TOOLREG_WEBHOOK_ALLOW_PRIVATE", "true"),
            ("TOOLREG_PUBLIC_URL", "https://toolreg.test"),
        ],
    );
    let receiver = Receiver::start();
    let kommune = bergen(dir.path());
    let created = api.created(
        "/subscriptions",
        &kommune,
        &json!({
            "scope": {"kind": "all"},
            "event_types": ["verdict.published"],
            "channel": {"kind": "webhook", "url": receiver.url("/toolreg")}
        }),
    );
    let secret = created["secret"].as_str().expect("the secret, shown once");
    let secret = SigningSecret::parse(secret).expect("whsec_");
    let id = created["id"].as_str().expect("id").to_string();
    let (_, read) = api.read(&format!("/subscriptions/{id}"), &kommune);
    assert_eq!(read["status"], "active");
    assert!(read.get("secret").is_none(), "never shown again: {read}");

    api.publish_kahoot_verdict("Kan brukes med vilkår.");

    let got = receiver
        .wait_for(Duration::from_secs(10), |r| {
            serde_json::from_slice::<Value>(&r.body)
                .is_ok_and(|b| b["type"] == "no.toolreg.verdict.published")
        })
        .expect("the webhook arrives");
    let body: Value = serde_json::from_slice(&got.body).expect("json");
    assert_eq!(got.path, "/toolreg");
    assert_eq!(body["data"]["slug"], "kahoot", "{body}");
    assert!(
        body["data"]["links"]["tool"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://toolreg.test/api/v1/tools/")),
        "{body}"
    );
    let timestamp: i64 = got.headers["webhook-timestamp"].parse().expect("timestamp");
    assert_eq!(
        got.headers["webhook-signature"],
        secret.sign(&got.headers["webhook-id"], timestamp, &got.body),
        "signed with the subscription's secret"
    );
    // Only the type asked for: the draft and the new assessment are not.
    assert!(receiver.received().iter().all(|r| {
        serde_json::from_slice::<Value>(&r.body)
            .is_ok_and(|b| b["type"] == "no.toolreg.verdict.published")
    }));

    let deliveries: Value = api
        .http
        .get(api.url(&format!("/subscriptions/{id}/deliveries")))
        .bearer_auth(&kommune)
        .send()
        .and_then(|r| r.json())
        .expect("deliveries");
    let delivered = &deliveries["items"][0];
    assert_eq!(delivered["status"], "delivered", "{deliveries}");
    assert_eq!(delivered["last_status_code"], 204);
    assert_eq!(
        format!(
            "msg_{}",
            delivered["id"]
                .as_str()
                .unwrap_or_default()
                .replace('-', "")
        ),
        got.headers["webhook-id"]
    );

    // Another municipality cannot see it: for Oslo it does not exist.
    let oslo = token(dir.path(), "oslo", &["municipality"], Some("974760673"));
    let other = api
        .http
        .get(api.url(&format!("/subscriptions/{id}")))
        .bearer_auth(&oslo)
        .send()
        .expect("GET");
    assert_eq!(other.status().as_u16(), 404);
}

#[test]
fn a_published_verdict_is_e_mailed_and_a_test_letter_arrives() {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let smtp_url = sink.url();
    let api = Api::start(
        dir.path(),
        &[
            ("TOOLREG_RATE_LIMIT", "false"),
            ("TOOLREG_PUBLIC_URL", "https://toolreg.test"),
            ("TOOLREG_SMTP_URL", &smtp_url),
            (
                "TOOLREG_SMTP_FROM",
                "Verktøyregisteret <varsel@toolreg.test>",
            ),
        ],
    );
    let kommune = bergen(dir.path());
    let created = api.created(
        "/subscriptions",
        &kommune,
        &json!({
            "scope": {"kind": "all"},
            "event_types": ["verdict.published"],
            "channel": {"kind": "email", "addresses": ["personvern@bergen.kommune.example"], "digest": "immediate"}
        }),
    );
    assert!(
        created.get("secret").is_none(),
        "e-mail has no secret: {created}"
    );
    let id = created["id"].as_str().expect("id").to_string();
    let test = api.send(
        reqwest::Method::POST,
        &format!("/subscriptions/{id}/test"),
        &kommune,
        None,
        None,
    );
    assert_eq!(test.status().as_u16(), 202);
    let got = sink.wait_for(1);
    assert_eq!(got.len(), 1, "the test letter: {got:?}");
    assert_eq!(
        got[0]["headers"]["subject"],
        "Testmelding fra verktøyregisteret"
    );
    assert_eq!(
        got[0]["rcpt_tos"],
        json!(["personvern@bergen.kommune.example"])
    );

    api.publish_kahoot_verdict("Kan brukes med vilkår.");
    let got = sink.wait_for(2);
    assert_eq!(got.len(), 2, "the verdict's letter: {got:?}");
    let letter = &got[1];
    let subject = letter["headers"]["subject"].as_str().unwrap_or_default();
    assert!(
        subject.contains("vurdering av Kahoot") || subject.contains("Vurderingen av Kahoot"),
        "{subject}"
    );
    assert!(subject.contains("«Godkjent med vilkår»"), "{subject}");
    assert_eq!(letter["content_type"], "multipart/alternative");
    let text = letter["text"].as_str().unwrap_or_default();
    assert!(
        text.contains(&format!("https://toolreg.test/api/v1/subscriptions/{id}")),
        "{text}"
    );
    let deliveries: Value = api
        .http
        .get(api.url(&format!("/subscriptions/{id}/deliveries")))
        .bearer_auth(&kommune)
        .send()
        .and_then(|r| r.json())
        .expect("deliveries");
    let items = deliveries["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{deliveries}");
    assert!(
        items
            .iter()
            .all(|d| d["status"] == "delivered" && d["last_status_code"] == 250),
        "{deliveries}"
    );
}

#[test]
fn internal_webhook_targets_are_refused_at_registration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let kommune = bergen(dir.path());
    for url in [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/hook",
        "https://localhost/hook",
        "http://hooks.bergen.kommune.no/plain-http",
    ] {
        let r = api.post(
            "/subscriptions",
            &kommune,
            &json!({"scope": {"kind": "all"}, "channel": {"kind": "webhook", "url": url}}),
        );
        let status = r.status().as_u16();
        let problem: Value = r.json().expect("problem");
        assert_eq!(status, 422, "{url}: {problem}");
        assert_eq!(
            problem["errors"][0]["pointer"], "/channel/url",
            "{url}: {problem}"
        );
    }
}

const SUBSCRIPTIONS: usize = 1000;

/// Bergen subscribes `SUBSCRIPTIONS` times, each webhook at a path of its
/// own on the receiver; their ids.
fn subscribe_many(api: &Api, kommune: &str, receiver: &Receiver) -> Vec<String> {
    (0..SUBSCRIPTIONS)
        .map(|i| {
            let created = api.created(
                "/subscriptions",
                kommune,
                &json!({
                    "scope": {"kind": "all"},
                    "event_types": ["verdict.published"],
                    "channel": {"kind": "webhook", "url": receiver.url(&format!("/hook/{i}"))}
                }),
            );
            created["id"].as_str().expect("id").to_string()
        })
        .collect()
}

/// KS, as the reviewer organisation in the registry.
fn ks(api: &Api) -> Value {
    let reviewers: Value = api
        .get("/organisations?kind=reviewer")
        .json()
        .expect("orgs");
    reviewers["items"]
        .as_array()
        .and_then(|i| i.iter().find(|o| o["org_number"] == "971032146"))
        .cloned()
        .expect("KS in the registry")
}

fn publish(api: &Api, tool_id: &str) {
    let (assessment, draft) = api.draft_verdict(tool_id, &ks(api), "Ny vurdering.");
    api.publish(&assessment, &draft);
}

/// Every subscription got the event at least once, each under one
/// `webhook-id`, and the store has recorded every delivery as delivered;
/// the number of repeats the receiver saw.
fn every_subscription_once_or_more(
    api: &Api,
    admin: &str,
    ids: &[String],
    receiver: &Receiver,
) -> usize {
    let recorded = |id: &String| -> bool {
        api.http
            .get(api.url(&format!("/subscriptions/{id}/deliveries")))
            .bearer_auth(admin)
            .send()
            .and_then(|r| r.json::<Value>())
            .is_ok_and(|d| d["items"][0]["status"] == "delivered")
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let mut pending: Vec<&String> = ids.iter().collect();
    while !pending.is_empty() && std::time::Instant::now() < deadline {
        pending.retain(|id| !recorded(id));
        if !pending.is_empty() {
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    assert!(
        pending.is_empty(),
        "{} deliveries never recorded as delivered",
        pending.len()
    );
    let received = receiver.received();
    let mut by_path: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in &received {
        by_path
            .entry(r.path.clone())
            .or_default()
            .push(r.headers["webhook-id"].clone());
    }
    assert_eq!(
        by_path.len(),
        SUBSCRIPTIONS,
        "every subscription heard of it"
    );
    for (path, ids) in &by_path {
        assert!(
            ids.iter().all(|id| *id == ids[0]),
            "{path}: one webhook-id, got {ids:?}"
        );
    }
    received.len() - SUBSCRIPTIONS
}

fn crash_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TOOLREG_RATE_LIMIT", "false"),
        ("TOOLREG_WEBHOOK_ALLOW_HTTP", "true"),
        ("TOOLREG_WEBHOOK_ALLOW_PRIVATE", "true"),
        // A killed worker's claims are taken over after two seconds.
        ("TOOLREG_NOTIFY_LEASE", "2"),
    ]
}

#[test]
fn a_server_killed_mid_delivery_loses_nothing_on_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let env = crash_env();
    let api = Api::start(dir.path(), &env);
    // Slow answers, so the kill lands while deliveries are in flight.
    let receiver = Receiver::start_with_delay(Duration::from_millis(300));
    let kommune = bergen(dir.path());
    let ids = subscribe_many(&api, &kommune, &receiver);
    let kahoot: Value = api.get("/tools/kahoot").json().expect("tool");
    publish(&api, kahoot["id"].as_str().expect("id"));
    receiver
        .wait_for(Duration::from_secs(30), |_| true)
        .expect("delivery starts");
    let log = api.server.stop();
    let before = receiver.received().len();
    assert!(
        before < SUBSCRIPTIONS,
        "killed in the middle: {before} arrived\n{log}"
    );

    let mut restart = env.clone();
    restart.push(("TOOLREG_SEED", "false"));
    let api = Api::start(dir.path(), &restart);
    let repeats = every_subscription_once_or_more(&api, &api.admin, &ids, &receiver);
    println!("{before} arrived before the kill; {repeats} sent again after the restart (same webhook-id)");
    assert!(
        repeats > 0,
        "the kill left claims in flight; they were sent again"
    );
}

#[test]
fn two_servers_on_postgres_share_the_work_and_survive_one_killed() {
    let Some(db) = toolreg_tests::TestDb::postgres() else {
        println!("SKIPPED: no PostgreSQL (TOOLREG_TEST_POSTGRES_URL)");
        return;
    };
    let (one, two) = (
        tempfile::tempdir().expect("tempdir"),
        tempfile::tempdir().expect("tempdir"),
    );
    let mut env = crash_env();
    env.push(("TOOLREG_DATABASE_URL", db.url()));
    let first = Api::start(one.path(), &env);
    let second = Api::start(two.path(), &env);
    // PostgreSQL starts empty: Bergen, KS, a vendor and its tool.
    for org in [
        json!({"kind": "municipality", "name": "Bergen kommune", "org_number": "964338531", "municipality_number": "4601", "country": "NO"}),
        json!({"kind": "reviewer", "name": "KS", "org_number": "971032146", "country": "NO"}),
    ] {
        first.created("/organisations", &first.admin, &org);
    }
    let vendor = first.created(
        "/organisations",
        &first.admin,
        &json!({"kind": "vendor", "name": "Fjordkviss AS", "country": "NO"}),
    );
    let tool = first.created(
        "/tools",
        &first.drafter,
        &json!({"slug": "fjordkviss", "name": "Fjordkviss", "vendor_id": vendor["id"], "processes_personal_data": "unknown"}),
    );
    let receiver = Receiver::start_with_delay(Duration::from_millis(300));
    let kommune = bergen(one.path());
    let ids = subscribe_many(&first, &kommune, &receiver);
    publish(&second, tool["id"].as_str().expect("id"));
    receiver
        .wait_for(Duration::from_secs(30), |_| true)
        .expect("delivery starts");
    let before = receiver.received().len();
    first.server.stop();
    let repeats = every_subscription_once_or_more(&second, &second.admin, &ids, &receiver);
    println!(
        "two processes on PostgreSQL, one killed after {before} arrivals: every subscription reached; {repeats} sent again (same webhook-id)"
    );
}
