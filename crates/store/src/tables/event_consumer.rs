//! How far each consumer of the event log has come. A consumer moves its
//! position in the same transaction as what it made of the events, so a
//! crash leaves both or neither.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::event_consumers;
use crate::time::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The last sequence a consumer handled, taking the consumer's row lock on
/// PostgreSQL (so two processes stepping at once take turns); `None` for a
/// consumer that never ran. Call inside a write transaction.
pub fn position_for_update(conn: &mut DbConnection, name: &str) -> StoreResult<Option<i64>> {
    let query = event_consumers::table
        .find(name)
        .select(event_consumers::last_sequence);
    Ok(per_backend!(conn,
        sqlite(c) => query.first(c).optional()?,
        postgres(c) => query.for_update().first(c).optional()?,
    ))
}

pub fn set_position(
    conn: &mut DbConnection,
    name: &str,
    last_sequence: i64,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let updated = diesel::update(event_consumers::table.find(name))
        .set((
            event_consumers::last_sequence.eq(last_sequence),
            event_consumers::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(event_consumers::table)
            .values((
                event_consumers::name.eq(name),
                event_consumers::last_sequence.eq(last_sequence),
                event_consumers::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
