//! Deliveries: one event to one subscription, retried with backoff.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum DeliveryStatus {
        Pending => "pending",
        InFlight => "in_flight",
        Delivered => "delivered",
        /// Gave up after the last attempt; kept for the subscriber to see.
        Failed => "failed",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub event_id: Uuid,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Exponential backoff: 30 s doubled per attempt, capped at 6 hours, for at
/// most `MAX_ATTEMPTS` attempts (about two days in all).
pub const MAX_ATTEMPTS: i32 = 12;

pub fn backoff_after(attempts: i32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exp = attempts.clamp(0, 20) as u32;
    let secs = 30i64.saturating_mul(1i64 << exp).min(6 * 3600);
    Some(Duration::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps_then_stops() {
        assert_eq!(backoff_after(0), Some(Duration::seconds(30)));
        assert_eq!(backoff_after(1), Some(Duration::seconds(60)));
        assert_eq!(backoff_after(10), Some(Duration::seconds(6 * 3600)));
        assert_eq!(backoff_after(MAX_ATTEMPTS), None);
    }
}
