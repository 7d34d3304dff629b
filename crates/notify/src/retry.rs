//! When to try a delivery again: exponential backoff with full jitter,
//! from 30 seconds, capped at 6 hours per wait, for up to three days after
//! the first attempt; a receiver's `Retry-After` (seconds or an HTTP date,
//! on 429 and 503) is honoured within the same three days.

use chrono::{DateTime, Duration, Utc};

/// How long a delivery is tried before it is dead.
pub const GIVE_UP_AFTER: Duration = Duration::days(3);
const FIRST_WAIT_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 6 * 3600;

/// The longest wait before attempt `attempts + 1` (attempts made so far,
/// at least 1): 30 s, 60 s, 120 s, … up to 6 hours.
pub fn ceiling(attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    Duration::seconds(
        FIRST_WAIT_SECONDS
            .saturating_mul(1i64 << doublings)
            .min(LONGEST_WAIT_SECONDS),
    )
}

/// A random fraction in [0, 1) from the operating system; 1 when there is
/// none, which only loses the spreading, never a retry.
fn unit_random() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 1.0,
    }
}

/// When to try again after `attempts` failed attempts, or `None` when the
/// three days since `first_attempt` are over (the delivery is dead). The
/// wait is half the ceiling plus a random part of the other half, so many
/// deliveries failing together do not retry together, yet none retries
/// sooner than half its step.
pub fn next_attempt(
    attempts: i32,
    first_attempt: DateTime<Utc>,
    now: DateTime<Utc>,
    retry_after: Option<Duration>,
) -> Option<DateTime<Utc>> {
    let deadline = first_attempt + GIVE_UP_AFTER;
    if now >= deadline {
        return None;
    }
    let step = ceiling(attempts);
    let jittered = step / 2
        + Duration::milliseconds((step.num_milliseconds() as f64 / 2.0 * unit_random()) as i64);
    let wait = match retry_after {
        Some(asked) if asked > Duration::zero() => asked,
        _ => jittered,
    };
    let at = now + wait;
    // The last try happens at the deadline, not after it.
    Some(at.min(deadline))
}

/// Parse a `Retry-After` value: delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return (seconds >= 0).then(|| Duration::seconds(seconds.min(GIVE_UP_AFTER.num_seconds())));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).max(Duration::zero()).min(GIVE_UP_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::seconds(1_800_000_000 + seconds)
    }

    #[test]
    fn ceilings_double_from_thirty_seconds_to_six_hours() {
        assert_eq!(ceiling(1), Duration::seconds(30));
        assert_eq!(ceiling(2), Duration::seconds(60));
        assert_eq!(ceiling(5), Duration::seconds(480));
        assert_eq!(ceiling(11), Duration::hours(6));
        assert_eq!(ceiling(500), Duration::hours(6));
    }

    #[test]
    fn waits_are_jittered_within_half_to_the_whole_ceiling() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let at = next_attempt(3, t(0), t(0), None).expect("retry");
            let wait = at - t(0);
            assert!(wait >= ceiling(3) / 2 && wait <= ceiling(3), "{wait}");
            seen.insert(wait.num_milliseconds());
        }
        assert!(seen.len() > 10, "jitter spreads the waits: {seen:?}");
    }

    #[test]
    fn retry_after_is_honoured_and_three_days_is_the_end() {
        let asked = Some(Duration::seconds(120));
        assert_eq!(next_attempt(1, t(0), t(10), asked), Some(t(130)));
        // Near the deadline, the last try is at the deadline.
        let almost = t(0) + GIVE_UP_AFTER - Duration::seconds(5);
        assert_eq!(
            next_attempt(9, t(0), almost, None),
            Some(t(0) + GIVE_UP_AFTER)
        );
        assert_eq!(next_attempt(10, t(0), t(0) + GIVE_UP_AFTER, None), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc2822("Wed, 21 Oct 2026 07:28:00 GMT")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::seconds(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2026 07:30:00 GMT", now),
            Some(Duration::seconds(120))
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("99999999", now), Some(GIVE_UP_AFTER));
    }
}
