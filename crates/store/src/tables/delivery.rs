//! Deliveries: the job queue for webhooks. Claiming is where the
//! backends differ: PostgreSQL uses `FOR UPDATE SKIP LOCKED` so many workers
//! can claim at once; SQLite has a single writer, so a write transaction is
//! already exclusive.

use crate::connection::DbConnection;
use crate::error::{ConflictKind, Entity, StoreError, StoreResult};
use crate::row::{parse_enum, parse_uuid};
use crate::schema::deliveries;
use crate::time::{from_db, to_db};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::delivery::{backoff_after, Delivery, DeliveryStatus};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = deliveries)]
struct DeliveryRow {
    id: String,
    subscription_id: String,
    event_id: String,
    status: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    lease_until: Option<NaiveDateTime>,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl DeliveryRow {
    fn into_domain(self) -> StoreResult<Delivery> {
        Ok(Delivery {
            id: parse_uuid("deliveries.id", &self.id)?,
            subscription_id: parse_uuid("deliveries.subscription_id", &self.subscription_id)?,
            event_id: parse_uuid("deliveries.event_id", &self.event_id)?,
            status: parse_enum("deliveries.status", &self.status)?,
            attempts: self.attempts,
            next_attempt_at: from_db(self.next_attempt_at),
            lease_until: self.lease_until.map(from_db),
            last_status_code: self.last_status_code,
            last_error: self.last_error,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// Queue an event for a subscription; queuing the same pair twice is a no-op.
pub fn enqueue(
    conn: &mut DbConnection,
    subscription_id: Uuid,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let row = DeliveryRow {
        id: Uuid::now_v7().to_string(),
        subscription_id: subscription_id.to_string(),
        event_id: event_id.to_string(),
        status: DeliveryStatus::Pending.as_str().to_string(),
        attempts: 0,
        next_attempt_at: to_db(now),
        lease_until: None,
        last_status_code: None,
        last_error: None,
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    match diesel::insert_into(deliveries::table)
        .values(&row)
        .execute(conn)
        .map_err(StoreError::from)
    {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict(ConflictKind::Taken { .. })) => Ok(false),
        Err(e) => Err(e),
    }
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

const PG_CLAIM: &str =
    "UPDATE deliveries SET status = 'in_flight', lease_until = $1, updated_at = $2
WHERE id IN (
    SELECT id FROM deliveries
    WHERE (status = 'pending' AND next_attempt_at <= $2)
       OR (status = 'in_flight' AND lease_until < $2)
    ORDER BY next_attempt_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
RETURNING id";

/// Claim up to `limit` due deliveries (or ones whose lease ran out because a
/// worker died) for `lease`. Returns them marked in flight.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> StoreResult<Vec<Delivery>> {
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
    deliveries::table
        .filter(deliveries::id.eq_any(&ids))
        .order(deliveries::next_attempt_at.asc())
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DeliveryRow::into_domain)
        .collect()
}

pub fn mark_delivered(
    conn: &mut DbConnection,
    id: Uuid,
    status_code: i32,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let current = get(conn, id)?;
    diesel::update(deliveries::table.find(id.to_string()))
        .set((
            deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
            deliveries::attempts.eq(current.attempts + 1),
            deliveries::lease_until.eq(None::<NaiveDateTime>),
            deliveries::last_status_code.eq(Some(status_code)),
            deliveries::last_error.eq(None::<String>),
            deliveries::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Record a failed attempt: back off and retry, or give up for good.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: Uuid,
    status_code: Option<i32>,
    error: &str,
    now: DateTime<Utc>,
) -> StoreResult<Delivery> {
    let current = get(conn, id)?;
    let attempts = current.attempts + 1;
    let (status, next) = match backoff_after(attempts) {
        Some(wait) => (DeliveryStatus::Pending, now + wait),
        None => (DeliveryStatus::Failed, now),
    };
    diesel::update(deliveries::table.find(id.to_string()))
        .set((
            deliveries::status.eq(status.as_str()),
            deliveries::attempts.eq(attempts),
            deliveries::next_attempt_at.eq(to_db(next)),
            deliveries::lease_until.eq(None::<NaiveDateTime>),
            deliveries::last_status_code.eq(status_code),
            deliveries::last_error.eq(Some(error.chars().take(2000).collect::<String>())),
            deliveries::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    get(conn, id)
}

pub fn list_for_subscription(
    conn: &mut DbConnection,
    subscription_id: Uuid,
) -> StoreResult<Vec<Delivery>> {
    deliveries::table
        .filter(deliveries::subscription_id.eq(subscription_id.to_string()))
        .order(deliveries::created_at.asc())
        .select(DeliveryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DeliveryRow::into_domain)
        .collect()
}
