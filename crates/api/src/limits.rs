//! Abuse limits per client address: anonymous requests share a per-client
//! budget, and a client whose tokens keep failing has its further bad tokens
//! answered with 429 (a valid token still passes). Both answer 429 with
//! `Retry-After`.

use crate::problem::Problem;
use actix_web::http::StatusCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct LimitsConfig {
    pub enabled: bool,
    /// Anonymous requests per second per client, and the burst allowed.
    pub anonymous_per_second: u32,
    pub anonymous_burst: u32,
    /// Failed authentications per minute per client before it is blocked.
    pub failed_auth_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            anonymous_per_second: 50,
            anonymous_burst: 200,
            failed_auth_per_minute: 20,
        }
    }
}

pub struct Limits {
    config: LimitsConfig,
    anonymous: DefaultKeyedRateLimiter<IpAddr>,
    failures: DefaultKeyedRateLimiter<IpAddr>,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("config", &self.config)
            .finish()
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

pub fn too_many(wait: Duration) -> Problem {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        "For mange forespørsler",
    )
    .detail(format!("Prøv igjen om {secs} sekunder."))
    .header("Retry-After", secs.to_string())
}

impl Limits {
    pub fn new(config: LimitsConfig) -> Self {
        let anonymous = Quota::per_second(nonzero(config.anonymous_per_second))
            .allow_burst(nonzero(config.anonymous_burst));
        let failures = Quota::per_minute(nonzero(config.failed_auth_per_minute));
        Self {
            config,
            anonymous: RateLimiter::keyed(anonymous),
            failures: RateLimiter::keyed(failures),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// An anonymous request from `ip`: within budget, or the wait.
    pub fn anonymous(&self, ip: IpAddr) -> Result<(), Problem> {
        if !self.config.enabled {
            return Ok(());
        }
        self.anonymous
            .check_key(&ip)
            .map_err(|not_until| too_many(not_until.wait_time_from(DefaultClock::default().now())))
    }

    /// Before checking a token from `ip`: refused while it is blocked.
    pub fn before_auth(&self, ip: IpAddr) -> Result<(), Problem> {
        if !self.config.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let blocked = self
            .blocked
            .lock()
            .ok()
            .and_then(|b| b.get(&ip).copied())
            .filter(|until| *until > now);
        match blocked {
            Some(until) => Err(too_many(until - now)),
            None => Ok(()),
        }
    }

    /// A token from `ip` failed: count it. Within the budget the caller
    /// gets its 401; past it (or while blocked) a 429 to answer instead.
    pub fn auth_failed(&self, ip: IpAddr) -> Result<(), Problem> {
        if !self.config.enabled {
            return Ok(());
        }
        self.before_auth(ip)?;
        if let Err(not_until) = self.failures.check_key(&ip) {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .max(Duration::from_secs(1));
            if let Ok(mut blocked) = self.blocked.lock() {
                let now = Instant::now();
                if blocked.len() > 10_000 {
                    blocked.retain(|_, until| *until > now);
                }
                blocked.insert(ip, now + wait);
            }
            return Err(too_many(wait));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_budget_runs_out_with_a_retry_after() {
        let limits = Limits::new(LimitsConfig {
            anonymous_per_second: 1,
            anonymous_burst: 3,
            ..Default::default()
        });
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..3 {
            assert!(limits.anonymous(ip).is_ok());
        }
        let refused = limits
            .anonymous(ip)
            .err()
            .map(|p| (p.status, p.headers.clone()));
        assert_eq!(
            refused.map(|(s, h)| (s, h[0].0.clone())),
            Some((429, "Retry-After".to_string()))
        );
        assert!(
            limits.anonymous([10, 0, 0, 2].into()).is_ok(),
            "other clients are not affected"
        );
    }

    #[test]
    fn repeated_failures_block_the_client() {
        let limits = Limits::new(LimitsConfig {
            failed_auth_per_minute: 2,
            ..Default::default()
        });
        let ip: IpAddr = [10, 0, 0, 1].into();
        assert!(limits.auth_failed(ip).is_ok());
        assert!(limits.auth_failed(ip).is_ok());
        assert_eq!(limits.auth_failed(ip).err().map(|p| p.status), Some(429));
        assert_eq!(limits.before_auth(ip).err().map(|p| p.status), Some(429));
        let off = Limits::new(LimitsConfig {
            enabled: false,
            failed_auth_per_minute: 1,
            ..Default::default()
        });
        assert!(off.auth_failed(ip).is_ok());
        assert!(off.auth_failed(ip).is_ok());
        assert!(off.before_auth(ip).is_ok());
    }
}
