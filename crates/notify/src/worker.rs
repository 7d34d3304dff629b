//! The delivery worker: a loop that fans new events out, claims due
//! deliveries with a lease, sends them concurrently and records how each
//! ended, all of a batch in one transaction. A worker that dies mid-batch
//! leaves its claims to lapse; they are claimed again and sent under the
//! same `webhook-id` (at least once). On PostgreSQL the workers of several
//! processes share the queue (`SKIP LOCKED`); on SQLite they take turns.

use crate::email::EmailSender;
use crate::letter::{self, Letter};
use crate::payload::{event_body, test_body, ApiBase};
use crate::retry;
use crate::signing::SigningSecret;
use crate::webhook::{Sent, WebhookSender};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use toolreg_core::delivery::{AttemptOutcome, Delivery};
use toolreg_core::event::Event;
use toolreg_core::subscription::{Channel, Digest, Subscription, SubscriptionStatus};
use toolreg_store::ops::fanout::{self, FanOut};
use toolreg_store::tables::{delivery, event, subscription, tool};
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
    /// One letter for one or more deliveries (a digest carries several);
    /// how the sending ends is how each of them ends.
    Email {
        deliveries: Vec<Delivery>,
        to: Vec<String>,
        letter: Letter,
        message_key: String,
    },
    Settled(Delivery, AttemptOutcome),
}

/// How one delivery ended, and whether its subscription is gone (410).
type Ended = (Delivery, AttemptOutcome, bool);

pub struct DeliveryWorker {
    pool: DbPool,
    sender: Arc<WebhookSender>,
    email: Option<Arc<EmailSender>>,
    base: ApiBase,
    config: WorkerConfig,
}

impl DeliveryWorker {
    pub fn new(pool: DbPool, sender: WebhookSender, base: ApiBase, config: WorkerConfig) -> Self {
        Self {
            pool,
            sender: Arc::new(sender),
            email: None,
            base,
            config,
        }
    }

    /// Send e-mail through this sender. Without one, e-mail deliveries wait
    /// (and are dead after three days, like any that cannot be made).
    pub fn with_email(mut self, email: EmailSender) -> Self {
        self.email = Some(Arc::new(email));
        self
    }

    fn conn(&self) -> Result<toolreg_store::PooledDb, WorkerError> {
        Ok(self.pool.get().map_err(StoreError::from)?)
    }

    /// Fan out, claim, send, record: one round.
    pub async fn run_once(&self) -> Result<Round, WorkerError> {
        self.run_once_at(toolreg_store::time::now()).await
    }

    /// One round as if the clock said `now` (tests use it to reach the
    /// hour a digest is due).
    pub async fn run_once_at(&self, now: DateTime<Utc>) -> Result<Round, WorkerError> {
        let (fanned, jobs) = {
            let mut conn = self.conn()?;
            let fanned = fanout::step(&mut conn, now, self.config.fanout_events)?;
            let claimed =
                delivery::claim_due(&mut conn, now, self.config.lease, self.config.batch)?;
            (fanned, self.prepare(&mut conn, claimed, now)?)
        };
        let attempted = jobs
            .iter()
            .map(|j| match j {
                Job::Email { deliveries, .. } => deliveries.len(),
                Job::Send { .. } | Job::Settled(..) => 1,
            })
            .sum();
        let mut sends: tokio::task::JoinSet<Vec<Ended>> = tokio::task::JoinSet::new();
        let mut outcomes: Vec<Ended> = Vec::with_capacity(attempted);
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
                        vec![(delivery, outcome, gone)]
                    });
                }
                Job::Email {
                    deliveries,
                    to,
                    letter,
                    message_key,
                } => {
                    let email = self.email.clone();
                    sends.spawn(async move {
                        let sent = match email {
                            Some(email) => email.send(&to, &letter, &message_key).await,
                            None => Sent::Failed {
                                status: None,
                                error:
                                    "e-post er ikke satt opp på denne tjenesten (TOOLREG_SMTP_URL)"
                                        .into(),
                                retry_after: None,
                            },
                        };
                        // The letter's deliveries end together: a digest
                        // that failed is tried again as one.
                        let Some(first) = deliveries.first() else {
                            return Vec::new();
                        };
                        let (outcome, _) = decide(sent, first, now);
                        deliveries
                            .into_iter()
                            .map(|d| (d, outcome.clone(), false))
                            .collect()
                    });
                }
            }
        }
        while let Some(done) = sends.join_next().await {
            match done {
                Ok(ended) => outcomes.extend(ended),
                // A send task cannot panic by design; if one did, its
                // claims lapse and the deliveries are tried again.
                Err(e) => tracing::error!(error = %e, "a send task failed"),
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
        let events: HashMap<Uuid, Event> = event::get_many(conn, &event_ids)?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let mut jobs = Vec::with_capacity(claimed.len());
        let mut letters = Vec::new();
        for d in claimed {
            let Some((sub, secrets)) = subscriptions.get(&d.subscription_id) else {
                continue;
            };
            match (&sub.input.channel, sub.status) {
                (_, SubscriptionStatus::Deleted) => {
                    jobs.push(Job::Settled(d, dead("abonnementet er slettet")));
                }
                (Channel::Email { .. }, _) => letters.push((d, sub)),
                (Channel::Webhook { .. }, _) if secrets.is_empty() => jobs.push(Job::Settled(
                    d,
                    dead("abonnementet har ingen gyldig signeringsnøkkel"),
                )),
                (Channel::Webhook { url }, _) => {
                    let body = match d.event_id {
                        None => Some(test_body(d.id, d.subscription_id, &self.base)),
                        Some(id) => events.get(&id).map(|e| event_body(e, &self.base)),
                    };
                    jobs.push(match body {
                        Some(body) => Job::Send {
                            url: url.clone(),
                            body,
                            secrets: secrets.clone(),
                            delivery: d,
                        },
                        None => Job::Settled(d, dead("hendelsen finnes ikke")),
                    });
                }
            }
        }
        if !letters.is_empty() {
            jobs.extend(self.letters(conn, letters, &events)?);
        }
        Ok(jobs)
    }

    /// The letters for claimed e-mail deliveries: one per event for an
    /// immediate subscription, one per subscription for a digest (all of
    /// its deliveries that fell due together), and the test messages and
    /// notices each on their own.
    fn letters(
        &self,
        conn: &mut DbConnection,
        claimed: Vec<(Delivery, &Subscription)>,
        events: &HashMap<Uuid, Event>,
    ) -> Result<Vec<Job>, WorkerError> {
        let tool_ids: Vec<Uuid> = events.values().filter_map(Event::tool_id).collect();
        let names: HashMap<Uuid, String> = tool::get_many(conn, &tool_ids)?
            .into_iter()
            .map(|t| (t.id, t.input.name))
            .collect();
        let mut jobs = Vec::new();
        let mut digests: BTreeMap<Uuid, (Digest, Vec<String>, Vec<Delivery>)> = BTreeMap::new();
        let email = |d: Vec<Delivery>, to: &[String], letter: Letter, key: String| Job::Email {
            deliveries: d,
            to: to.to_vec(),
            letter,
            message_key: key,
        };
        for (d, sub) in claimed {
            let Channel::Email { addresses, digest } = &sub.input.channel else {
                continue;
            };
            let key = d.webhook_id();
            match (d.event_id, d.about_subscription_id) {
                (None, Some(about)) => match subscription::get_any(conn, about) {
                    Ok(about) => {
                        let letter = letter::webhook_disabled(&about, sub.id, &self.base);
                        jobs.push(email(vec![d], addresses, letter, key));
                    }
                    Err(StoreError::NotFound(_)) => {
                        jobs.push(Job::Settled(d, dead("abonnementet finnes ikke")));
                    }
                    Err(e) => return Err(e.into()),
                },
                (None, None) => {
                    let letter = letter::test(sub.id, &self.base);
                    jobs.push(email(vec![d], addresses, letter, key));
                }
                (Some(event_id), _) => match events.get(&event_id) {
                    None => jobs.push(Job::Settled(d, dead("hendelsen finnes ikke"))),
                    Some(event) if *digest == Digest::Immediate => {
                        let name = event.tool_id().and_then(|id| names.get(&id));
                        let letter =
                            letter::immediate(event, name.map(String::as_str), sub.id, &self.base);
                        jobs.push(email(vec![d], addresses, letter, key));
                    }
                    Some(_) => {
                        digests
                            .entry(sub.id)
                            .or_insert_with(|| (*digest, addresses.clone(), Vec::new()))
                            .2
                            .push(d);
                    }
                },
            }
        }
        for (sub, (digest, addresses, deliveries)) in digests {
            let gathered: Vec<&Event> = deliveries
                .iter()
                .filter_map(|d| d.event_id.and_then(|id| events.get(&id)))
                .collect();
            let letter = letter::digest(digest, &gathered, &names, sub, &self.base);
            // The digest's Message-ID comes from its first delivery: the
            // same letter again after a crash has the same one.
            let key = deliveries
                .iter()
                .map(|d| d.id)
                .min()
                .map(|id| format!("digest_{}", id.simple()))
                .unwrap_or_default();
            jobs.push(email(deliveries, &addresses, letter, key));
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

fn dead(error: &str) -> AttemptOutcome {
    AttemptOutcome::Dead {
        status_code: None,
        error: error.to_string(),
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
/// change of the registry's own in the audit trail; the owner's e-mail
/// subscriptions get a notice.
fn disable_gone(conn: &mut DbConnection, id: Uuid) -> Result<(), WorkerError> {
    let ctx = ChangeContext::new("toolreg-notify", None, None);
    let reason =
        "Mottakeren svarte 410 Gone. Abonnementet er slått av; rett adressen og gjenoppta det.";
    match toolreg_store::ops::subscription::disable_and_notify(conn, &ctx, id, reason) {
        // Deleted meanwhile, or changed by its owner at the same moment.
        Ok(_) | Err(StoreError::NotFound(_)) | Err(StoreError::Stale) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
