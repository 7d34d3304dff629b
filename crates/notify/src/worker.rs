//! The delivery worker: a loop that fans new events out, claims due
//! deliveries with a lease, sends them concurrently and records how each
//! ended, all of a batch in one transaction. A worker that dies mid-batch
//! leaves its claims to lapse; they are claimed again and sent under the
//! same `webhook-id` (at least once). On PostgreSQL the workers of several
//! processes share the queue (`SKIP LOCKED`); on SQLite they take turns.

use crate::payload::{event_body, test_body, ApiBase};
use crate::retry;
use crate::signing::SigningSecret;
use crate::webhook::{Sent, WebhookSender};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use toolreg_core::delivery::{AttemptOutcome, Delivery};
use toolreg_core::subscription::{Channel, Subscription, SubscriptionStatus};
use toolreg_store::ops::fanout::{self, FanOut};
use toolreg_store::tables::{delivery, event, subscription};
use toolreg_store::{ChangeContext, DbConnection, DbPool, StoreError};
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Deliveries claimed and sent at once.
    pub batch: i64,
    /// How long a claim holds before another worker may take it.
    pub lease: Duration,
    /// Events fanned out per round.
    pub fanout_events: i64,
    /// The pause when there was nothing to do.
    pub idle_poll: std::time::Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            batch: 200,
            lease: Duration::minutes(2),
            fanout_events: 500,
            idle_poll: std::time::Duration::from_millis(200),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Round {
    pub fanned: FanOut,
    pub attempted: usize,
    pub delivered: usize,
}

/// A claimed delivery, ready to send or already settled without sending.
enum Job {
    Send {
        delivery: Delivery,
        url: String,
        body: Vec<u8>,
        secrets: Vec<SigningSecret>,
    },
    Settled(Delivery, AttemptOutcome),
}

pub struct DeliveryWorker {
    pool: DbPool,
    sender: Arc<WebhookSender>,
    base: ApiBase,
    config: WorkerConfig,
}

impl DeliveryWorker {
    pub fn new(pool: DbPool, sender: WebhookSender, base: ApiBase, config: WorkerConfig) -> Self {
        Self {
            pool,
            sender: Arc::new(sender),
            base,
            config,
        }
    }

    fn conn(&self) -> Result<toolreg_store::PooledDb, WorkerError> {
        Ok(self.pool.get().map_err(StoreError::from)?)
    }

    /// Fan out, claim, send, record: one round.
    pub async fn run_once(&self) -> Result<Round, WorkerError> {
        let now = toolreg_store::time::now();
        let (fanned, jobs) = {
            let mut conn = self.conn()?;
            let fanned = fanout::step(&mut conn, now, self.config.fanout_events)?;
            let claimed =
                delivery::claim_due(&mut conn, now, self.config.lease, self.config.batch)?;
            (fanned, self.prepare(&mut conn, claimed, now)?)
        };
        let attempted = jobs.len();
        let mut sends = tokio::task::JoinSet::new();
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            match job {
                Job::Settled(d, outcome) => outcomes.push((d, outcome, false)),
                Job::Send {
                    delivery,
                    url,
                    body,
                    secrets,
                } => {
                    let sender = Arc::clone(&self.sender);
                    sends.spawn(async move {
                        let refs: Vec<&SigningSecret> = secrets.iter().collect();
                        let sent = sender
                            .send(&url, &delivery.webhook_id(), body, &refs, now)
                            .await;
                        let (outcome, gone) = decide(sent, &delivery, toolreg_store::time::now());
                        (delivery, outcome, gone)
                    });
                }
            }
        }
        while let Some(done) = sends.join_next().await {
            match done {
                Ok(result) => outcomes.push(result),
                // A send task cannot panic by design; if one did, its
                // claim lapses and the delivery is tried again.
                Err(e) => tracing::error!(error = %e, "a webhook send task failed"),
            }
        }
        let delivered = outcomes
            .iter()
            .filter(|(_, o, _)| matches!(o, AttemptOutcome::Delivered { .. }))
            .count();
        let mut conn = self.conn()?;
        let recorded: Vec<(Delivery, AttemptOutcome)> = outcomes
            .iter()
            .map(|(d, o, _)| (d.clone(), o.clone()))
            .collect();
        delivery::record(&mut conn, &recorded, now)?;
        let gone: std::collections::BTreeSet<Uuid> = outcomes
            .iter()
            .filter(|(_, _, gone)| *gone)
            .map(|(d, _, _)| d.subscription_id)
            .collect();
        for id in gone {
            disable_gone(&mut conn, id)?;
        }
        Ok(Round {
            fanned,
            attempted,
            delivered,
        })
    }

    fn prepare(
        &self,
        conn: &mut DbConnection,
        claimed: Vec<Delivery>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Job>, WorkerError> {
        let mut ids: Vec<Uuid> = claimed.iter().map(|d| d.subscription_id).collect();
        ids.sort();
        ids.dedup();
        let subscriptions: HashMap<Uuid, (Subscription, Vec<SigningSecret>)> =
            subscription::get_many_with_secrets(conn, &ids, now)?
                .into_iter()
                .map(|(sub, secrets)| {
                    let secrets: Vec<SigningSecret> = secrets
                        .map(|s| {
                            std::iter::once(s.current)
                                .chain(s.previous)
                                .filter_map(|text| SigningSecret::parse(&text).ok())
                                .collect()
                        })
                        .unwrap_or_default();
                    (sub.id, (sub, secrets))
                })
                .collect();
        let event_ids: Vec<Uuid> = claimed.iter().filter_map(|d| d.event_id).collect();
        let events: HashMap<Uuid, toolreg_core::event::Event> = event::get_many(conn, &event_ids)?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut jobs = Vec::with_capacity(claimed.len());
        for d in claimed {
            let Some((sub, secrets)) = subscriptions.get(&d.subscription_id) else {
                continue;
            };
            let dead = |error: &str| AttemptOutcome::Dead {
                status_code: None,
                error: error.to_string(),
            };
            let job = match (&sub.input.channel, sub.status) {
                (_, SubscriptionStatus::Deleted) => {
                    Job::Settled(d, dead("abonnementet er slettet"))
                }
                (Channel::Email { .. }, _) => {
                    // Sent by the e-mail channel once a deployment has one;
                    // until then it waits, and is dead after three days
                    // like any delivery that cannot be made.
                    let outcome = decide(
                        Sent::Failed {
                            status: None,
                            error: "e-post er ikke satt opp på denne tjenesten".into(),
                            retry_after: None,
                        },
                        &d,
                        now,
                    )
                    .0;
                    Job::Settled(d, outcome)
                }
                (Channel::Webhook { .. }, _) if secrets.is_empty() => {
                    Job::Settled(d, dead("abonnementet har ingen gyldig signeringsnøkkel"))
                }
                (Channel::Webhook { url }, _) => {
                    let body = match d.event_id {
                        None => Some(test_body(d.id, d.subscription_id, &self.base)),
                        Some(id) => events.get(&id).map(|e| event_body(e, &self.base)),
                    };
                    match body {
                        Some(body) => Job::Send {
                            url: url.clone(),
                            body,
                            secrets: secrets.clone(),
                            delivery: d,
                        },
                        None => Job::Settled(d, dead("hendelsen finnes ikke")),
                    }
                }
            };
            jobs.push(job);
        }
        Ok(jobs)
    }

    /// Run rounds on a thread of its own until the process ends.
    pub fn spawn(self) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("notify-worker".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        tracing::error!(error = %e, "the notification worker cannot start");
                        return;
                    }
                };
                runtime.block_on(async {
                    loop {
                        match self.run_once().await {
                            Ok(round) if round.attempted == 0 && round.fanned.events == 0 => {
                                tokio::time::sleep(self.config.idle_poll).await;
                            }
                            Ok(round) => tracing::debug!(?round, "notification round"),
                            Err(e) => {
                                tracing::warn!(error = %e, "notification round failed");
                                tokio::time::sleep(self.config.idle_poll).await;
                            }
                        }
                    }
                });
            })
            .map(|_| ())
    }
}

/// How an attempt is recorded, and whether the subscription is gone (410).
pub fn decide(sent: Sent, d: &Delivery, now: DateTime<Utc>) -> (AttemptOutcome, bool) {
    let first = d.first_attempt_at.unwrap_or(now);
    match sent {
        Sent::Delivered { status } => (
            AttemptOutcome::Delivered {
                status_code: i32::from(status),
            },
            false,
        ),
        Sent::Gone => (
            AttemptOutcome::Dead {
                status_code: Some(410),
                error: "410 Gone: mottakeren finnes ikke lenger; abonnementet er slått av".into(),
            },
            true,
        ),
        Sent::Refused { error } => (
            AttemptOutcome::Dead {
                status_code: None,
                error,
            },
            false,
        ),
        Sent::Failed {
            status,
            error,
            retry_after,
        } => {
            let status_code = status.map(i32::from);
            let outcome = match retry::next_attempt(d.attempts + 1, first, now, retry_after) {
                Some(next_attempt_at) => AttemptOutcome::Retry {
                    status_code,
                    error,
                    next_attempt_at,
                },
                None => AttemptOutcome::Dead { status_code, error },
            };
            (outcome, false)
        }
    }
}

/// A 410 stops the subscription, with the reason its owner sees, as a
/// change of the registry's own in the audit trail.
fn disable_gone(conn: &mut DbConnection, id: Uuid) -> Result<(), WorkerError> {
    let ctx = ChangeContext::new("toolreg-notify", None, None);
    let reason =
        "Mottakeren svarte 410 Gone. Abonnementet er slått av; rett adressen og gjenoppta det.";
    match toolreg_store::ops::subscription::set_status(
        conn,
        &ctx,
        id,
        SubscriptionStatus::Disabled,
        Some(reason),
        None,
    ) {
        // Deleted meanwhile, or changed by its owner at the same moment.
        Ok(_) | Err(StoreError::NotFound(_)) | Err(StoreError::Stale) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
