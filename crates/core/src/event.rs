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
        /// A vendor sent a submission, or a revised one (private to the
        /// vendor and the reviewers).
        SubmissionSubmitted => "submission.submitted",
        /// The vendor or a reviewer commented on a submission (private).
        SubmissionCommented => "submission.commented",
        /// A reviewer moved a submission on: in triage, changes requested,
        /// accepted or rejected (private).
        SubmissionStatusChanged => "submission.status_changed",
        /// A verdict a municipality accepted for local use was overtaken: a
        /// new version published, or the assessment withdrawn (private to
        /// that municipality: no one else learns it uses the tool).
        InventoryVerdictChanged => "inventory.verdict_changed",
        /// A municipality proposed a local tool for the registry (private
        /// to it and the reviewers, who decide whether to take it in).
        InventoryToolProposed => "inventory.tool_proposed",
    }
}

impl EventType {
    /// Whether reviewers read this type's private events: those about
    /// what vendors and municipalities send them, never the rest of a
    /// municipality's own part.
    pub fn reviewers_read_private(self) -> bool {
        matches!(
            self,
            Self::SubmissionSubmitted
                | Self::SubmissionCommented
                | Self::SubmissionStatusChanged
                | Self::InventoryToolProposed
        )
    }

    /// The types whose private events reviewers read, as stored.
    pub fn reviewed_private_types() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|t| t.reviewers_read_private())
            .map(|t| t.as_str())
            .collect()
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
    /// The organisation a private event is for; it is also read by the
    /// national reviewers (who triage what vendors send) and admins. None
    /// for a public event, which is everyone's.
    pub private_to: Option<Uuid>,
}

/// Who reads the event log, and so which events they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventReader {
    /// Anonymous, or no organisation: public events only.
    Public,
    /// Public events and those private to this organisation.
    Organisation(Uuid),
    /// Reviewers: public events, the private events of the types they
    /// handle (vendors' submissions) and their own organisation's.
    Reviewer(Option<Uuid>),
    /// Admins and the service's own consumers: every event.
    Everything,
}

impl EventReader {
    /// Whether this reader may see an event private to `private_to`
    /// (none: public).
    pub fn sees(self, private_to: Option<Uuid>, event_type: EventType) -> bool {
        match (self, private_to) {
            (_, None) | (EventReader::Everything, _) => true,
            (EventReader::Organisation(own), Some(org)) => own == org,
            (EventReader::Reviewer(own), Some(org)) => {
                event_type.reviewers_read_private() || own == Some(org)
            }
            (EventReader::Public, Some(_)) => false,
        }
    }
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
    /// Extension, on private events only: the id of the organisation the
    /// event is for (besides reviewers and admins). Absent: public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Event {
    /// The tool the event is about: from its subject (`tools/{id}`, or a
    /// path under it), or for an event about something else that concerns
    /// a tool (a submission) from `data.tool_id`; none for a bulk load or a
    /// tool proposal.
    pub fn tool_id(&self) -> Option<Uuid> {
        match self.subject.strip_prefix("tools/") {
            Some(rest) => Uuid::parse_str(rest.split('/').next()?).ok(),
            None => Uuid::parse_str(self.data.get("tool_id")?.as_str()?).ok(),
        }
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
            audience: self.private_to.map(|org| org.to_string()),
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
            private_to: None,
        };
        let ce = serde_json::to_value(e.to_cloud_event("https://toolreg.example/api/v1"))
            .unwrap_or_default();
        assert_eq!(ce["specversion"], "1.0");
        assert_eq!(ce["type"], "no.toolreg.verdict.published");
        assert_eq!(ce["sequence"], "00000000000000000042");
        assert_eq!(ce["data"]["version"], 2);
        assert!(Severity::Critical > Severity::Warning);
        assert!(
            ce.get("audience").is_none(),
            "public events carry no audience"
        );
    }

    #[test]
    fn private_events_are_for_their_organisation_and_everything_readers() {
        let own = Uuid::from_u128(1);
        let other = Uuid::from_u128(2);
        let sub = EventType::SubmissionCommented;
        let inv = EventType::InventoryVerdictChanged;
        assert!(EventReader::Public.sees(None, sub));
        assert!(!EventReader::Public.sees(Some(own), sub));
        assert!(EventReader::Organisation(own).sees(Some(own), sub));
        assert!(!EventReader::Organisation(other).sees(Some(own), sub));
        assert!(EventReader::Organisation(other).sees(None, sub));
        assert!(EventReader::Everything.sees(Some(own), inv));
        // Reviewers read vendors' submissions, not municipalities' own part.
        assert!(EventReader::Reviewer(None).sees(Some(own), sub));
        assert!(!EventReader::Reviewer(Some(other)).sees(Some(own), inv));
        assert!(EventReader::Reviewer(Some(own)).sees(Some(own), inv));
    }

    #[test]
    fn a_submission_event_names_its_tool_in_data() {
        let tool = Uuid::from_u128(7);
        let e = Event {
            id: Uuid::nil(),
            sequence: 1,
            event_type: EventType::SubmissionCommented,
            severity: Severity::Info,
            subject: "submissions/0190".into(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            data: serde_json::json!({"tool_id": tool.to_string()}),
            private_to: Some(Uuid::from_u128(1)),
        };
        assert_eq!(e.tool_id(), Some(tool));
        let ce = e.to_cloud_event("/api/v1");
        assert_eq!(
            ce.audience.as_deref(),
            Some(Uuid::from_u128(1).to_string().as_str())
        );
    }
}
