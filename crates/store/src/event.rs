//! The event outbox: appended in the same transaction as the change it
//! describes, so a committed change always has its event and a rolled-back
//! one never does. Delivery happens later, from this table.

use crate::connection::DbConnection;
use crate::error::{from_json, parse_enum, parse_uuid, to_json, StoreResult};
use crate::schema::events;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::event::{Event, EventType, Severity};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
struct NewEventRow {
    id: String,
    event_type: String,
    severity: String,
    subject: String,
    time: NaiveDateTime,
    data: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
struct EventRow {
    sequence: i64,
    id: String,
    event_type: String,
    severity: String,
    subject: String,
    time: NaiveDateTime,
    data: String,
}

impl EventRow {
    fn into_domain(self) -> StoreResult<Event> {
        Ok(Event {
            id: parse_uuid("events.id", &self.id)?,
            sequence: self.sequence,
            event_type: parse_enum("events.event_type", &self.event_type)?,
            severity: parse_enum("events.severity", &self.severity)?,
            subject: self.subject,
            time: from_db(self.time),
            data: from_json("events.data", &self.data)?,
        })
    }
}

/// What a change wants to announce; the store adds id, sequence and time.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub event_type: EventType,
    pub severity: Severity,
    pub subject: String,
    pub data: serde_json::Value,
}

/// Append an event; the database assigns its sequence.
pub fn append(conn: &mut DbConnection, event: &NewEvent, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    let row = NewEventRow {
        id: id.to_string(),
        event_type: event.event_type.as_str().to_string(),
        severity: event.severity.as_str().to_string(),
        subject: event.subject.clone(),
        time: to_db(now),
        data: to_json(&event.data),
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(id)
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Event>> {
    events::table
        .filter(events::id.eq(id.to_string()))
        .select(EventRow::as_select())
        .first(conn)
        .optional()?
        .map(EventRow::into_domain)
        .transpose()
}

/// Events after a sequence number, oldest first: what a feed reader polls.
pub fn list_after(
    conn: &mut DbConnection,
    after_sequence: i64,
    limit: i64,
) -> StoreResult<Vec<Event>> {
    events::table
        .filter(events::sequence.gt(after_sequence))
        .order(events::sequence.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}
