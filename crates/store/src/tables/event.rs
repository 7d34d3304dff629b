//! The `events` table, the event log: appended in the same transaction as
//! the change it describes (by `ops::change`), so a committed change always
//! has its events and a rolled-back one never does. Readers poll it in
//! sequence order; `ops::change` explains why they never miss one.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::events;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::event::{Event, EventReader, EventType, Severity};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = events)]
#[diesel(treat_none_as_default_value = false)]
struct NewEventRow {
    id: String,
    event_type: String,
    severity: String,
    subject: String,
    time: NaiveDateTime,
    data: String,
    private_to: Option<String>,
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
    private_to: Option<String>,
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
            private_to: self
                .private_to
                .map(|org| parse_uuid("events.private_to", &org))
                .transpose()?,
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
    /// See `Event::private_to`; none for a public event.
    pub private_to: Option<Uuid>,
}

/// Append events in order; the database assigns their sequence numbers.
/// Only `ops::change` calls this, after taking the write lock that makes
/// sequence order commit order (see there).
pub(crate) fn append_all(
    conn: &mut DbConnection,
    events: &[NewEvent],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let rows: Vec<NewEventRow> = events
        .iter()
        .map(|event| NewEventRow {
            id: Uuid::now_v7().to_string(),
            event_type: event.event_type.as_str().to_string(),
            severity: event.severity.as_str().to_string(),
            subject: event.subject.clone(),
            time: to_db(now),
            data: to_json(&event.data),
            private_to: event.private_to.map(|org| org.to_string()),
        })
        .collect();
    insert_chunks!(conn, events::table, rows);
    Ok(())
}

/// The sequence number of the newest event (0 when there is none).
pub fn last_sequence(conn: &mut DbConnection) -> StoreResult<i64> {
    let last: Option<i64> = events::table
        .select(diesel::dsl::max(events::sequence))
        .first(conn)?;
    Ok(last.unwrap_or(0))
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

/// Events after a sequence number that `reader` may see, oldest first:
/// what a feed reader polls.
pub fn list_after(
    conn: &mut DbConnection,
    after_sequence: i64,
    limit: i64,
    reader: EventReader,
) -> StoreResult<Vec<Event>> {
    let mut query = events::table
        .filter(events::sequence.gt(after_sequence))
        .into_boxed();
    match reader {
        EventReader::Everything => {}
        EventReader::Public => query = query.filter(events::private_to.is_null()),
        EventReader::Organisation(org) => {
            query = query.filter(
                events::private_to
                    .is_null()
                    .or(events::private_to.eq(org.to_string())),
            )
        }
        EventReader::Reviewer(own) => {
            let own = own.map(|o| o.to_string()).unwrap_or_default();
            query = query.filter(
                events::private_to
                    .is_null()
                    .or(events::event_type.eq_any(EventType::reviewed_private_types()))
                    .or(events::private_to.eq(own)),
            )
        }
    }
    query
        .order(events::sequence.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}

/// Events by id (those that exist), in no particular order.
pub fn get_many(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<Vec<Event>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::ops::bulk::CHUNK) {
        let keys: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        out.extend(
            events::table
                .filter(events::id.eq_any(keys))
                .select(EventRow::as_select())
                .load(conn)?,
        );
    }
    out.into_iter().map(EventRow::into_domain).collect()
}

/// The newest public events, newest first: about one subject
/// (`tools/{id}`) or any, of `min_severity` or worse. What feeds for
/// people show; private events never reach them (feeds are anonymous).
pub fn list_recent(
    conn: &mut DbConnection,
    subject: Option<&str>,
    min_severity: Severity,
    limit: i64,
) -> StoreResult<Vec<Event>> {
    let severities: Vec<&str> = Severity::ALL
        .iter()
        .filter(|s| **s >= min_severity)
        .map(|s| s.as_str())
        .collect();
    let mut query = events::table
        .filter(events::severity.eq_any(severities))
        .filter(events::private_to.is_null())
        // A bulk load is for copies of the registry, not news.
        .filter(events::event_type.ne(EventType::RegistryLoaded.as_str()))
        .into_boxed();
    if let Some(subject) = subject {
        query = query.filter(events::subject.eq(subject.to_string()));
    }
    query
        .order(events::sequence.desc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EventRow::into_domain)
        .collect()
}
