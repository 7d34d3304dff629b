//! Change notifications through the real binary: a municipality subscribes
//! by webhook, a verdict is published, and a receiver started here gets
//! the event, signed with the secret the subscription was given; its
//! deliveries say so. Internal webhook targets are refused at registration.

use serde_json::{json, Value};
use std::time::Duration;
use toolreg_notify::signing::SigningSecret;
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

    let kahoot: Value = api.get("/tools/kahoot").json().expect("tool");
    let reviewers: Value = api
        .get("/organisations?kind=reviewer")
        .json()
        .expect("orgs");
    let ks = reviewers["items"]
        .as_array()
        .and_then(|i| i.iter().find(|o| o["org_number"] == "971032146"))
        .cloned()
        .expect("KS in the sample data");
    let (assessment, draft) = api.draft_verdict(
        kahoot["id"].as_str().expect("id"),
        &ks,
        "Kan brukes med vilkår.",
    );
    api.publish(&assessment, &draft);

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
