//! What a webhook carries: the event as CloudEvents 1.0 JSON, its data
//! with links to the tool and to the change's diff in the API, so a
//! receiver can show what changed without knowing the API's paths.

use serde_json::{json, Value};
use toolreg_core::event::{Event, EventType, CLOUDEVENTS_TYPE_PREFIX};
use uuid::Uuid;

/// The API's base, e.g. `https://toolreg.example/api/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase(String);

impl ApiBase {
    pub fn new(public_url: &str) -> Self {
        Self(format!("{}/api/v1", public_url.trim_end_matches('/')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Links to what an event is about: the tool, and the diff of the change
/// where there is one to show.
pub fn links(event: &Event, base: &ApiBase) -> Value {
    let base = base.as_str();
    let data = &event.data;
    let mut links = serde_json::Map::new();
    let tool = event.tool_id().map(|id| id.to_string()).unwrap_or_default();
    if event.subject.starts_with("tools/") {
        links.insert("tool".into(), json!(format!("{base}/{}", event.subject)));
    } else if !tool.is_empty() {
        links.insert("tool".into(), json!(format!("{base}/tools/{tool}")));
    }
    let int = |key: &str| data.get(key).and_then(Value::as_i64);
    match event.event_type {
        EventType::VerdictPublished => {
            let assessment = data.get("assessment_id").and_then(Value::as_str);
            if let (Some(a), Some(to), Some(from)) =
                (assessment, int("version"), int("previous_version"))
            {
                links.insert(
                    "diff".into(),
                    json!(format!(
                        "{base}/tools/{tool}/verdicts/diff?from={a}:{from}&to={a}:{to}"
                    )),
                );
            }
            links.insert(
                "verdict".into(),
                json!(format!("{base}/tools/{tool}/verdict")),
            );
        }
        EventType::VerdictWithdrawn => {
            links.insert(
                "verdict".into(),
                json!(format!("{base}/tools/{tool}/verdict")),
            );
        }
        EventType::SubprocessorsChanged => {
            if let (Some(to), Some(from)) = (int("revision"), int("previous_revision")) {
                links.insert(
                    "diff".into(),
                    json!(format!(
                        "{base}/tools/{tool}/subprocessors/diff?from={from}&to={to}"
                    )),
                );
            }
            links.insert(
                "subprocessors".into(),
                json!(format!("{base}/tools/{tool}/subprocessors")),
            );
        }
        EventType::DocumentExpiring => {
            if let Some(doc) = data.get("document_id").and_then(Value::as_str) {
                links.insert("document".into(), json!(format!("{base}/documents/{doc}")));
            }
        }
        EventType::SubmissionSubmitted
        | EventType::SubmissionCommented
        | EventType::SubmissionStatusChanged => {
            links.insert(
                "submission".into(),
                json!(format!("{base}/{}", event.subject)),
            );
        }
        EventType::InventoryVerdictChanged => {
            // The entry, with its state and the diff since the acceptance.
            links.insert("entry".into(), json!(format!("{base}/{}", event.subject)));
            links.insert(
                "verdict".into(),
                json!(format!("{base}/tools/{tool}/verdict")),
            );
        }
        // The entry is the municipality's own; reviewers get the facts in
        // the event and no link they could not follow.
        EventType::ToolCreated
        | EventType::ToolUpdated
        | EventType::RegistryLoaded
        | EventType::InventoryToolProposed => {}
    }
    Value::Object(links)
}

/// The webhook body for an event.
pub fn event_body(event: &Event, base: &ApiBase) -> Vec<u8> {
    let mut cloud = event.to_cloud_event(base.as_str());
    if let Value::Object(data) = &mut cloud.data {
        data.insert("links".into(), links(event, base));
    }
    serde_json::to_vec(&cloud).unwrap_or_default()
}

/// The body of a test message a subscriber asked for.
pub fn test_body(delivery_id: Uuid, subscription_id: Uuid, base: &ApiBase) -> Vec<u8> {
    let body = json!({
        "specversion": "1.0",
        "id": delivery_id.to_string(),
        "source": base.as_str(),
        "type": format!("{CLOUDEVENTS_TYPE_PREFIX}test"),
        "subject": format!("subscriptions/{subscription_id}"),
        "time": toolreg_store::time::now(),
        "datacontenttype": "application/json",
        "data": {
            "message": "Testmelding fra verktøyregisteret: webhooken din er nådd.",
            "subscription_id": subscription_id,
        },
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use toolreg_core::event::Severity;

    fn event(event_type: EventType, data: Value) -> Event {
        Event {
            id: Uuid::nil(),
            sequence: 7,
            event_type,
            severity: Severity::Warning,
            subject: "tools/0190f3a2-7c1e-7000-8000-000000000001".into(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            data,
            private_to: None,
        }
    }

    #[test]
    fn a_published_verdict_links_its_diff() {
        let base = ApiBase::new("https://toolreg.example/");
        let e = event(
            EventType::VerdictPublished,
            json!({"assessment_id": "a1", "version": 3, "previous_version": 2, "level_before": "approved", "level_after": "approved_with_conditions"}),
        );
        let body: Value = serde_json::from_slice(&event_body(&e, &base)).expect("json");
        assert_eq!(body["type"], "no.toolreg.verdict.published");
        assert_eq!(body["specversion"], "1.0");
        assert_eq!(body["data"]["level_after"], "approved_with_conditions");
        assert_eq!(
            body["data"]["links"]["diff"],
            "https://toolreg.example/api/v1/tools/0190f3a2-7c1e-7000-8000-000000000001/verdicts/diff?from=a1:2&to=a1:3"
        );
        assert_eq!(
            body["data"]["links"]["tool"],
            "https://toolreg.example/api/v1/tools/0190f3a2-7c1e-7000-8000-000000000001"
        );
    }

    #[test]
    fn a_first_subprocessor_list_has_no_diff_link() {
        let base = ApiBase::new("https://toolreg.example");
        let first = event(
            EventType::SubprocessorsChanged,
            json!({"revision": 1, "previous_revision": null}),
        );
        let first_links = links(&first, &base);
        assert!(first_links.get("diff").is_none(), "{first_links}");
        let second = event(
            EventType::SubprocessorsChanged,
            json!({"revision": 2, "previous_revision": 1}),
        );
        assert_eq!(
            links(&second, &base)["diff"],
            "https://toolreg.example/api/v1/tools/0190f3a2-7c1e-7000-8000-000000000001/subprocessors/diff?from=1&to=2"
        );
    }

    #[test]
    fn a_submission_event_links_the_submission_its_tool_and_its_audience() {
        let base = ApiBase::new("https://toolreg.example");
        let mut e = event(
            EventType::SubmissionCommented,
            json!({"tool_id": "0190f3a2-7c1e-7000-8000-000000000001", "party": "reviewer"}),
        );
        e.subject = "submissions/0190f3a2-7c1e-7000-8000-0000000000aa".into();
        e.private_to = Some(Uuid::from_u128(5));
        let body: Value = serde_json::from_slice(&event_body(&e, &base)).expect("json");
        assert_eq!(
            body["data"]["links"]["submission"],
            "https://toolreg.example/api/v1/submissions/0190f3a2-7c1e-7000-8000-0000000000aa"
        );
        assert_eq!(
            body["data"]["links"]["tool"],
            "https://toolreg.example/api/v1/tools/0190f3a2-7c1e-7000-8000-000000000001"
        );
        assert_eq!(body["audience"], Uuid::from_u128(5).to_string());
        // A proposal names no tool yet: no tool link.
        e.data = json!({"party": "vendor"});
        assert!(links(&e, &base).get("tool").is_none());
    }
}
