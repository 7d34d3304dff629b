//! Events: something changed that subscribers may need to know, shaped as
//! CloudEvents 1.0 so any receiver can parse them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum EventType {
        VerdictPublished => "verdict.published",
        VerdictWithdrawn => "verdict.withdrawn",
        SubprocessorsChanged => "subprocessors.changed",
        ToolCreated => "tool.created",
        ToolUpdated => "tool.updated",
        /// A vendor's certificate or agreement expires within 30 days, or
        /// has expired today.
        DocumentExpiring => "document.expiring",
        /// A bulk load (seed or import) added many facts at once; a
        /// consumer that keeps a copy (a search index) reloads.
        RegistryLoaded => "registry.loaded",
    }
}

crate::string_enum! {
    /// How serious a change is for a municipality, ordered.
    pub enum Severity {
        Info => "info",
        Warning => "warning",
        Critical => "critical",
    }
}

/// The CloudEvents `type` attribute is reverse-DNS namespaced.
pub const CLOUDEVENTS_TYPE_PREFIX: &str = "no.toolreg.";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    /// Total order of events; assigned by the store.
    pub sequence: i64,
    pub event_type: EventType,
    pub severity: Severity,
    /// What the event is about, as a path (`tools/kahoot`).
    pub subject: String,
    pub time: DateTime<Utc>,
    pub data: serde_json::Value,
}

/// The wire form sent to webhooks and feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloudEvent {
    pub specversion: String,
    pub id: String,
    /// Where the event comes from: this registry's API.
    pub source: String,
    /// `no.toolreg.` and the event type, e.g. `no.toolreg.verdict.published`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// What the event is about, as a path under the API (`tools/{id}`).
    pub subject: String,
    pub time: DateTime<Utc>,
    pub datacontenttype: String,
    /// Extension: how serious the change is for a municipality.
    pub severity: Severity,
    /// Extension: the position in the log, zero-padded; pass the number
    /// as `after` to read on.
    pub sequence: String,
    /// What changed; its fields depend on the type.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

impl Event {
    /// The tool the event is about, from its subject (`tools/{id}`, or a
    /// path under it); none for a bulk load.
    pub fn tool_id(&self) -> Option<Uuid> {
        let rest = self.subject.strip_prefix("tools/")?;
        Uuid::parse_str(rest.split('/').next()?).ok()
    }

    pub fn to_cloud_event(&self, source: &str) -> CloudEvent {
        CloudEvent {
            specversion: "1.0".into(),
            id: self.id.to_string(),
            source: source.into(),
            event_type: format!("{CLOUDEVENTS_TYPE_PREFIX}{}", self.event_type),
            subject: self.subject.clone(),
            time: self.time,
            datacontenttype: "application/json".into(),
            severity: self.severity,
            // CloudEvents' sequence extension is a string; zero-padded so it
            // also sorts lexically.
            sequence: format!("{:020}", self.sequence),
            data: self.data.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_event_has_required_attributes() {
        let e = Event {
            id: Uuid::nil(),
            sequence: 42,
            event_type: EventType::VerdictPublished,
            severity: Severity::Warning,
            subject: "tools/kahoot".into(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            data: serde_json::json!({"version": 2}),
        };
        let ce = serde_json::to_value(e.to_cloud_event("https://toolreg.example/api/v1"))
            .unwrap_or_default();
        assert_eq!(ce["specversion"], "1.0");
        assert_eq!(ce["type"], "no.toolreg.verdict.published");
        assert_eq!(ce["sequence"], "00000000000000000042");
        assert_eq!(ce["data"]["version"], 2);
        assert!(Severity::Critical > Severity::Warning);
    }
}
