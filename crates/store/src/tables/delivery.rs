//! Deliveries: the job queue for notifications. A worker claims due
//! deliveries with a lease; one whose worker died is claimed again when
//! the lease runs out, under the same id (at-least-once). Claiming is
//! where the backends differ: PostgreSQL uses `FOR UPDATE SKIP LOCKED`
//! so the workers of several server processes share the queue without
//! waiting on each other; SQLite has one writer, so its write transaction
//! is already exclusive.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::row::{parse_enum, parse_uuid};
use crate::schema::deliveries;
use crate::time::{from_db, to_db};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::delivery::{AttemptOutcome, Delivery, DeliveryStatus};
use toolreg_core::subscription::SubscriptionStatus;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
pub(crate) struct DeliveryRow {
    id: String,
    subscription_id: String,
    event_id: Option<String>,
    status: String,
    attempts: i32,
    first_attempt_at: Option<NaiveDateTime>,
    next_attempt_at: NaiveDateTime,
    lease_until: Option<NaiveDateTime>,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    about_subscription_id: Option<String>,
}

impl DeliveryRow {
    /// A new delivery of an event (none: a test message), due at `due`.
    pub(crate) fn new(
        subscription_id: Uuid,
        event_id: Option<Uuid>,
        now: DateTime<Utc>,
        due: DateTime<Utc>,
    ) -> Self {
        Self {
            id: Uuid::now_v7().to_string(),
            subscription_id: subscription_id.to_string(),
            event_id: event_id.map(|e| e.to_string()),
            about_subscription_id: None,
            status: DeliveryStatus::Pending.as_str().to_string(),
            attempts: 0,
            first_attempt_at: None,
            next_attempt_at: to_db(due),
            lease_until: None,
            last_status_code: None,
            last_error: None,
            created_at: to_db(now),
            updated_at: to_db(now),
        }
    }

    fn into_domain(self) -> StoreResult<Delivery> {
        Ok(Delivery {
            id: parse_uuid("deliveries.id", &self.id)?,
            subscription_id: parse_uuid("deliveries.subscription_id", &self.subscription_id)?,
            event_id: self
                .event_id
                .map(|e| parse_uuid("deliveries.event_id", &e))
                .transpose()?,
            about_subscription_id: self
                .about_subscription_id
                .map(|e| parse_uuid("deliveries.about_subscription_id", &e))
                .transpose()?,
            status: parse_enum("deliveries.status", &self.status)?,
            attempts: self.attempts,
            first_attempt_at: self.first_attempt_at.map(from_db),
            next_attempt_at: from_db(self.next_attempt_at),
            lease_until: self.lease_until.map(from_db),
            last_status_code: self.last_status_code,
            last_error: self.last_error,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// Queue deliveries; a (subscription, event) pair already queued is left
/// as it is. Returns how many were new.
pub(crate) fn enqueue_rows(conn: &mut DbConnection, rows: &[DeliveryRow]) -> StoreResult<usize> {
    let mut added = 0;
    for chunk in rows.chunks(crate::ops::bulk::CHUNK) {
        added += per_backend!(&mut *conn,
            sqlite(c) => diesel::insert_or_ignore_into(deliveries::table).values(chunk).execute(c)?,
            postgres(c) => diesel::insert_into(deliveries::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        );
    }
    Ok(added)
}

/// Queue a test message for a subscription.
pub fn enqueue_test(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Delivery> {
    let row = DeliveryRow::new(subscription_id, None, now, now);
    diesel::insert_into(deliveries::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

/// Queue a notice about subscription `about` to each of `recipients` (its
/// owner's e-mail subscriptions), due at once.
pub fn enqueue_notices(
    conn: &mut DbConnection,
    recipients: &[Uuid],
    about: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let rows: Vec<DeliveryRow> = recipients
        .iter()
        .map(|r| DeliveryRow {
            about_subscription_id: Some(about.to_string()),
            ..DeliveryRow::new(*r, None, now, now)
        })
        .collect();
    enqueue_rows(conn, &rows)
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Delivery> {
    deliveries::table
        .find(id.to_string())
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Delivery))?
        .into_domain()
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Due: pending and its time has come, or in flight with a lapsed lease
/// (its worker died). Only for active subscriptions: a paused or disabled
/// one keeps its deliveries waiting.
const PG_CLAIM: &str = "
UPDATE deliveries SET status = 'in_flight', lease_until = $1, updated_at = $2
WHERE id IN (
    SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
    WHERE s.status = 'active'
      AND ((d.status = 'pending' AND d.next_attempt_at <= $2)
        OR (d.status = 'in_flight' AND d.lease_until < $2))
    ORDER BY d.next_attempt_at
    LIMIT $3
    FOR UPDATE OF d SKIP LOCKED
)
RETURNING id";

/// Claim up to `limit` due deliveries for `lease`; they come back in
/// flight, oldest due first.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
    use crate::schema::subscriptions;
    let until = to_db(now + lease);
    let at = to_db(now);
    let ids: Vec<String> = per_backend!(conn,
        sqlite(lite) => lite.immediate_transaction(|lite| {
            let due = deliveries::status
                .eq(DeliveryStatus::Pending.as_str())
                .and(deliveries::next_attempt_at.le(at))
                .or(deliveries::status
                    .eq(DeliveryStatus::InFlight.as_str())
                    .and(deliveries::lease_until.lt(at)));
            let ids: Vec<String> = deliveries::table
                .inner_join(subscriptions::table)
                .filter(subscriptions::status.eq(SubscriptionStatus::Active.as_str()))
                .filter(due)
                .order(deliveries::next_attempt_at.asc())
                .limit(limit)
                .select(deliveries::id)
                .load(lite)?;
            diesel::update(deliveries::table.filter(deliveries::id.eq_any(&ids)))
                .set((
                    deliveries::status.eq(DeliveryStatus::InFlight.as_str()),
                    deliveries::lease_until.eq(Some(until)),
                    deliveries::updated_at.eq(at),
                ))
                .execute(lite)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
        postgres(pg) => {
            use diesel::sql_types::{BigInt, Timestamp};
            diesel::sql_query(PG_CLAIM)
                .bind::<Timestamp, _>(until)
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .load::<ClaimedId>(pg)?
                .into_iter()
                .map(|c| c.id)
                .collect()
        }
    );
    let mut claimed = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::ops::bulk::CHUNK) {
        claimed.extend(
            deliveries::table
                .filter(deliveries::id.eq_any(chunk))
                .select(DeliveryRow::as_select())
                .load(conn)?,
        );
    }
    let mut claimed = claimed
        .into_iter()
        .map(DeliveryRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    claimed.sort_by_key(|d| d.next_attempt_at);
    Ok(claimed)
}

/// Record how attempts ended, all in one transaction. An attempt counts
/// from its claim: `attempted_at` is when it was made.
pub fn record(
    conn: &mut DbConnection,
    outcomes: &[(Delivery, AttemptOutcome)],
    attempted_at: DateTime<Utc>,
) -> StoreResult<()> {
    crate::write::write_transaction(conn, |conn| {
        // Deliveries that arrived, the bulk of every batch, in one UPDATE
        // per status code and first-attempt state (one round trip instead
        // of one per delivery); the rest one by one.
        let mut arrived: std::collections::BTreeMap<(i32, bool), Vec<String>> = Default::default();
        for (delivery, outcome) in outcomes {
            if let AttemptOutcome::Delivered { status_code } = outcome {
                arrived
                    .entry((*status_code, delivery.first_attempt_at.is_none()))
                    .or_default()
                    .push(delivery.id.to_string());
            }
        }
        for ((code, first), ids) in &arrived {
            for chunk in ids.chunks(crate::ops::bulk::CHUNK) {
                let rows = deliveries::table.filter(deliveries::id.eq_any(chunk));
                let common = (
                    deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                    deliveries::attempts.eq(deliveries::attempts + 1),
                    deliveries::lease_until.eq(None::<NaiveDateTime>),
                    deliveries::last_status_code.eq(Some(*code)),
                    deliveries::last_error.eq(None::<String>),
                    deliveries::updated_at.eq(to_db(attempted_at)),
                );
                if *first {
                    diesel::update(rows)
                        .set((
                            common,
                            deliveries::first_attempt_at.eq(Some(to_db(attempted_at))),
                        ))
                        .execute(conn)?;
                } else {
                    diesel::update(rows).set(common).execute(conn)?;
                }
            }
        }
        for (delivery, outcome) in outcomes {
            if matches!(outcome, AttemptOutcome::Delivered { .. }) {
                continue;
            }
            let (status, code, error, next) = match outcome {
                AttemptOutcome::Delivered { status_code } => (
                    DeliveryStatus::Delivered,
                    Some(*status_code),
                    None,
                    delivery.next_attempt_at,
                ),
                AttemptOutcome::Retry {
                    status_code,
                    error,
                    next_attempt_at,
                } => (
                    DeliveryStatus::Pending,
                    *status_code,
                    Some(error.as_str()),
                    *next_attempt_at,
                ),
                AttemptOutcome::Dead { status_code, error } => (
                    DeliveryStatus::Dead,
                    *status_code,
                    Some(error.as_str()),
                    delivery.next_attempt_at,
                ),
            };
            let first = delivery.first_attempt_at.unwrap_or(attempted_at);
            diesel::update(deliveries::table.find(delivery.id.to_string()))
                .set((
                    deliveries::status.eq(status.as_str()),
                    deliveries::attempts.eq(delivery.attempts + 1),
                    deliveries::first_attempt_at.eq(Some(to_db(first))),
                    deliveries::next_attempt_at.eq(to_db(next)),
                    deliveries::lease_until.eq(None::<NaiveDateTime>),
                    deliveries::last_status_code.eq(code),
                    deliveries::last_error
                        .eq(error.map(|e| e.chars().take(2000).collect::<String>())),
                    deliveries::updated_at.eq(to_db(attempted_at)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Send a delivery again from now, whatever became of it: its three days
/// start anew, under the same id.
pub fn redeliver(conn: &mut DbConnection, id: Uuid, now: DateTime<Utc>) -> StoreResult<Delivery> {
    let n = diesel::update(deliveries::table.find(id.to_string()))
        .set((
            deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            deliveries::first_attempt_at.eq(None::<NaiveDateTime>),
            deliveries::next_attempt_at.eq(to_db(now)),
            deliveries::lease_until.eq(None::<NaiveDateTime>),
            deliveries::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::Delivery));
    }
    get(conn, id)
}

/// A subscription's deliveries, newest first (ids are time-ordered).
pub fn list_for_subscription(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    page: &PageRequest,
) -> StoreResult<Page<Delivery>> {
    let mut query = deliveries::table
        .filter(deliveries::subscription_id.eq(subscription_id.to_string()))
        .into_boxed();
    if let Some((_, after)) = page.after() {
        query = query.filter(deliveries::id.lt(after.to_string()));
    }
    let rows = query
        .order(deliveries::id.desc())
        .limit(page.fetch_limit())
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DeliveryRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(rows, page.limit, |d| {
        (String::new(), d.id.to_string())
    }))
}

/// How many deliveries are in each status (for tests, benchmarks and
/// operators).
pub fn count_by_status(conn: &mut DbConnection) -> StoreResult<Vec<(DeliveryStatus, i64)>> {
    let rows: Vec<(String, i64)> = deliveries::table
        .group_by(deliveries::status)
        .select((deliveries::status, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .map(|(s, n)| Ok((parse_enum("deliveries.status", &s)?, n)))
        .collect()
}
