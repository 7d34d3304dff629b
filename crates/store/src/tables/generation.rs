//! The store generation: a counter bumped in the same transaction as every
//! change to organisations, tools, subprocessor revisions and verdicts, so a
//! response cache can tell with one primary-key read whether what it holds
//! is still what the database would produce.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::store_generation;
use diesel::prelude::*;

pub fn current(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(store_generation::table
        .find(1)
        .select(store_generation::n)
        .first(conn)?)
}

pub fn bump(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::update(store_generation::table.find(1))
        .set(store_generation::n.eq(store_generation::n + 1))
        .execute(conn)?;
    Ok(())
}
