//! Subscriptions: a municipality asks to hear about changes to some tools,
//! vendors or categories, above a severity, by webhook or feed.

use crate::event::{EventType, Severity};
use crate::validation::{check_web_url, Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubscriptionScope {
    Tools { ids: Vec<Uuid> },
    Vendors { ids: Vec<Uuid> },
    Categories { categories: Vec<String> },
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Channel {
    /// Deliveries are POSTed and signed with HMAC-SHA256 over the body.
    Webhook { url: String, secret: String },
    /// The subscriber polls its feed; nothing is pushed.
    Feed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub scope: SubscriptionScope,
    /// Empty means every type.
    #[serde(default)]
    pub event_types: Vec<EventType>,
    #[serde(default = "default_severity")]
    pub min_severity: Severity,
    pub channel: Channel,
}

fn default_severity() -> Severity {
    Severity::Info
}

impl Validate for SubscriptionInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        let empty = match &self.scope {
            SubscriptionScope::Tools { ids } | SubscriptionScope::Vendors { ids } => ids.is_empty(),
            SubscriptionScope::Categories { categories } => categories.is_empty(),
            SubscriptionScope::All => false,
        };
        if empty {
            out.push(
                format!("{p}/scope"),
                "avgrensningen må nevne minst ett element",
            );
        }
        if let Channel::Webhook { url, secret } = &self.channel {
            if let Some(u) = out.check(&format!("{p}/channel/url"), check_web_url(url)) {
                if u.scheme() != "https"
                    && !matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
                {
                    out.push(
                        format!("{p}/channel/url"),
                        "webhooks må bruke https (unntatt localhost)",
                    );
                }
            }
            if secret.len() < 16 {
                out.push(
                    format!("{p}/channel/secret"),
                    "hemmeligheten må ha minst 16 tegn",
                );
            }
        }
    }
}

impl SubscriptionInput {
    /// Whether an event of this type and severity passes the filters (scope
    /// is matched by the store, which knows tools' vendors and categories).
    pub fn accepts(&self, event_type: EventType, severity: Severity) -> bool {
        severity >= self.min_severity
            && (self.event_types.is_empty() || self.event_types.contains(&event_type))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub id: Uuid,
    pub organisation_id: Uuid,
    #[serde(flatten)]
    pub input: SubscriptionInput,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub() -> SubscriptionInput {
        SubscriptionInput {
            scope: SubscriptionScope::Tools {
                ids: vec![Uuid::nil()],
            },
            event_types: vec![EventType::VerdictPublished],
            min_severity: Severity::Warning,
            channel: Channel::Webhook {
                url: "https://kommune.example/hook".into(),
                secret: "0123456789abcdef".into(),
            },
        }
    }

    #[test]
    fn filters_by_type_and_severity() {
        let s = sub();
        assert!(s.accepts(EventType::VerdictPublished, Severity::Critical));
        assert!(!s.accepts(EventType::VerdictPublished, Severity::Info));
        assert!(!s.accepts(EventType::ToolUpdated, Severity::Critical));
    }

    #[test]
    fn webhook_needs_https_and_a_real_secret() {
        let mut s = sub();
        s.channel = Channel::Webhook {
            url: "http://kommune.example/hook".into(),
            secret: "short".into(),
        };
        s.scope = SubscriptionScope::Vendors { ids: vec![] };
        let errs = s.validate().err().unwrap_or_default();
        let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(p, ["/scope", "/channel/url", "/channel/secret"]);
        s.channel = Channel::Webhook {
            url: "http://127.0.0.1:9000/hook".into(),
            secret: "0123456789abcdef".into(),
        };
        s.scope = SubscriptionScope::All;
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn scope_is_tagged_json() {
        let s: Result<SubscriptionScope, _> =
            serde_json::from_str(r#"{"kind":"categories","categories":["quiz"]}"#);
        assert_eq!(
            s.ok(),
            Some(SubscriptionScope::Categories {
                categories: vec!["quiz".into()]
            })
        );
    }
}
