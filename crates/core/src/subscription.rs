//! Subscriptions: a municipality asks to hear about changes to some tools,
//! vendors or categories, of some event types, from a severity up, by
//! webhook or e-mail.

use crate::event::{EventReader, EventType, Severity};
use crate::validation::{check_web_url, Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::caps::{
    CATEGORY, EMAIL_ADDRESS, EMAIL_ADDRESSES as MAX_ADDRESSES, SCOPE_ITEMS as MAX_SCOPE_ITEMS, URL,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubscriptionScope {
    /// These tools.
    Tools { ids: Vec<Uuid> },
    /// Every tool of these vendors.
    Vendors { ids: Vec<Uuid> },
    /// Every tool in one of these categories.
    Categories { categories: Vec<String> },
    /// Every registry tool in the subscriber's own inventory that is not
    /// stopped, as the inventory stands when the event is sent.
    Inventory {},
    /// Every tool.
    // A struct variant, not a unit one: serde ignores unknown fields next
    // to the tag of a unit variant even under `deny_unknown_fields`.
    All {},
}

crate::string_enum! {
    /// The capacity an organisation subscribes in, which decides the
    /// private events it hears of: a reviewer every one (they triage what
    /// vendors send), a vendor or a municipality its own organisation's.
    pub enum SubscriberRole {
        Municipality => "municipality",
        Vendor => "vendor",
        Reviewer => "reviewer",
    }
}

crate::string_enum! {
    /// How often e-mail is sent: each event on its own, or one message a
    /// day or a week grouping them by tool.
    pub enum Digest {
        Immediate => "immediate",
        Daily => "daily",
        Weekly => "weekly",
    }
}

/// The hour (UTC) digests go out: 06:00 in Norway in winter, 07:00 in
/// summer, in the inbox before the school day starts.
pub const DIGEST_HOUR_UTC: u32 = 5;

impl Digest {
    /// When an event that happened at `at` is sent: at once, or at the next
    /// digest hour (weekly: on the next Monday at that hour).
    pub fn due(self, at: DateTime<Utc>) -> DateTime<Utc> {
        use chrono::{Datelike, Days, NaiveTime};
        let hour = NaiveTime::from_hms_opt(DIGEST_HOUR_UTC, 0, 0).unwrap_or_default();
        let at_hour = |days: u64| (at.date_naive() + Days::new(days)).and_time(hour).and_utc();
        // The first digest hour strictly after `at`: `offset` days ahead,
        // or `period` days after that.
        let next = |offset: u64, period: u64| {
            let first = at_hour(offset);
            if first > at {
                first
            } else {
                at_hour(offset + period)
            }
        };
        match self {
            Digest::Immediate => at,
            Digest::Daily => next(0, 1),
            Digest::Weekly => {
                let to_monday = (7 - at.weekday().num_days_from_monday()) % 7;
                next(u64::from(to_monday), 7)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Channel {
    /// Each event is POSTed to the URL, signed by the Standard Webhooks
    /// specification with a secret the server makes.
    Webhook { url: String },
    /// Each event, or a digest, is e-mailed to the addresses.
    Email {
        addresses: Vec<String>,
        digest: Digest,
    },
}

crate::string_enum! {
    pub enum SubscriptionStatus {
        Active => "active",
        /// Stopped by its owner; events are kept for it and sent on resume.
        Paused => "paused",
        /// Stopped by the registry: the receiver answered 410 Gone.
        Disabled => "disabled",
        /// Deleted by its owner; kept so past deliveries keep their
        /// reference, shown to no one.
        Deleted => "deleted",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub scope: SubscriptionScope,
    /// Empty means every type.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ EventType::ALL.len() }, _, _>"
    )]
    pub event_types: Vec<EventType>,
    #[serde(default = "default_severity")]
    pub min_severity: Severity,
    pub channel: Channel,
}

fn default_severity() -> Severity {
    Severity::Info
}

/// A plausible e-mail address: one `@`, something before it, a dotted
/// domain after it, no spaces or angle brackets (which could smuggle
/// headers). Delivery is the real test.
pub fn check_email_address(value: &str) -> Result<(), &'static str> {
    let plausible = value.chars().count() <= EMAIL_ADDRESS
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if plausible {
        Ok(())
    } else {
        Err("er ikke en gyldig e-postadresse")
    }
}

impl Validate for SubscriptionInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        let count = match &self.scope {
            SubscriptionScope::Tools { ids } | SubscriptionScope::Vendors { ids } => {
                Some(ids.len())
            }
            SubscriptionScope::Categories { categories } => Some(categories.len()),
            SubscriptionScope::All {} | SubscriptionScope::Inventory {} => None,
        };
        match count {
            Some(0) => out.push(
                format!("{p}/scope"),
                "avgrensningen må nevne minst ett element",
            ),
            Some(n) if n > MAX_SCOPE_ITEMS => out.push(
                format!("{p}/scope"),
                format!("avgrensningen kan nevne høyst {MAX_SCOPE_ITEMS} elementer"),
            ),
            _ => {}
        }
        if let SubscriptionScope::Categories { categories } = &self.scope {
            for (i, c) in categories.iter().enumerate() {
                if c.is_empty() || c.chars().count() > CATEGORY {
                    out.push(
                        format!("{p}/scope/categories/{i}"),
                        format!("en kategori har 1–{CATEGORY} tegn"),
                    );
                }
            }
        }
        match &self.channel {
            Channel::Webhook { url } if url.chars().count() > URL => {
                out.push(
                    format!("{p}/channel/url"),
                    format!("kan ha høyst {URL} tegn"),
                );
            }
            Channel::Webhook { url } => {
                out.check(&format!("{p}/channel/url"), check_web_url(url));
            }
            Channel::Email { addresses, .. } => {
                if addresses.is_empty() || addresses.len() > MAX_ADDRESSES {
                    out.push(
                        format!("{p}/channel/addresses"),
                        format!("oppgi mellom 1 og {MAX_ADDRESSES} e-postadresser"),
                    );
                }
                for (i, address) in addresses.iter().enumerate() {
                    out.check(
                        &format!("{p}/channel/addresses/{i}"),
                        check_email_address(address),
                    );
                }
            }
        }
    }
}

impl SubscriptionInput {
    /// Whether an event of this type and severity passes the filters.
    pub fn accepts(&self, event_type: EventType, severity: Severity) -> bool {
        severity >= self.min_severity
            && (self.event_types.is_empty() || self.event_types.contains(&event_type))
    }

    /// Whether a tool is in scope; `in_inventory`: whether the tool is in
    /// the subscriber's inventory (asked only for that scope).
    pub fn covers(&self, tool: &ToolInScope, in_inventory: impl FnOnce() -> bool) -> bool {
        match &self.scope {
            SubscriptionScope::All {} => true,
            SubscriptionScope::Inventory {} => in_inventory(),
            SubscriptionScope::Tools { ids } => ids.contains(&tool.id),
            SubscriptionScope::Vendors { ids } => ids.contains(&tool.vendor_id),
            SubscriptionScope::Categories { categories } => {
                categories.iter().any(|c| tool.categories.contains(c))
            }
        }
    }
}

/// What scope matching needs to know of the tool an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInScope {
    pub id: Uuid,
    pub vendor_id: Uuid,
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// In which capacity the organisation subscribed (from the token that
    /// created it).
    pub subscriber_role: SubscriberRole,
    #[serde(flatten)]
    pub input: SubscriptionInput,
    pub status: SubscriptionStatus,
    /// Why the registry disabled it, in Norwegian.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// Until when the previous signing secret also signs (after a rotation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Increases with every change; the ETag.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Subscription {
    /// Which events this subscription may hear of.
    pub fn event_reader(&self) -> EventReader {
        match self.subscriber_role {
            SubscriberRole::Reviewer => EventReader::Reviewer(Some(self.organisation_id)),
            SubscriberRole::Municipality | SubscriberRole::Vendor => {
                EventReader::Organisation(self.organisation_id)
            }
        }
    }
}

#[cfg(test)]
#[path = "subscription_tests.rs"]
mod tests;
