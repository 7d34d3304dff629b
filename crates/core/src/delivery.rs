//! Deliveries: one event (or a test message) to one subscription, tried
//! until it arrives or is given up as dead. When to retry is
//! toolreg-notify's policy; this is what the store keeps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum DeliveryStatus {
        /// Waiting for its next attempt.
        Pending => "pending",
        /// Claimed by a worker until its lease runs out.
        InFlight => "in_flight",
        Delivered => "delivered",
        /// Given up after the last attempt; kept for the subscriber to see
        /// and to redeliver.
        Dead => "dead",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Also the message's `webhook-id` (`msg_` and this id), the same on
    /// every attempt so a receiver can drop a repeat.
    pub id: Uuid,
    pub subscription_id: Uuid,
    /// The event delivered; none for a test message or a notice.
    pub event_id: Option<Uuid>,
    /// For a notice to the owner: the subscription it is about (a webhook
    /// the registry turned off after 410 Gone).
    pub about_subscription_id: Option<Uuid>,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub first_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The receiver's HTTP status for a webhook, the mail server's reply
    /// code for e-mail.
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Delivery {
    /// The Standard Webhooks message id.
    pub fn webhook_id(&self) -> String {
        format!("msg_{}", self.id.simple())
    }
}

/// How an attempt ended, as the store records it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttemptOutcome {
    Delivered {
        status_code: i32,
    },
    /// Failed; try again at `next_attempt_at`.
    Retry {
        status_code: Option<i32>,
        error: String,
        next_attempt_at: DateTime<Utc>,
    },
    /// Failed for the last time.
    Dead {
        status_code: Option<i32>,
        error: String,
    },
}
