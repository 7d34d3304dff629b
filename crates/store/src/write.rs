//! Write transactions that wait for their turn instead of failing.
//!
//! SQLite: a deferred `BEGIN` takes a read snapshot with its first SELECT and
//! must upgrade to the write lock later; when another connection wrote in
//! between, the upgrade fails at once with "database is locked" — the busy
//! handler cannot help, because waiting would not make the snapshot current.
//! `BEGIN IMMEDIATE` takes the write lock first, so the busy timeout applies
//! and writers queue up. When the wait runs out the error is
//! [`StoreError::Busy`], which the API answers with 503 and `Retry-After`.
//!
//! PostgreSQL: an ordinary READ COMMITTED transaction. Lost updates are
//! prevented where they can happen, by conditional `UPDATE … WHERE revision
//! = expected` (the second writer re-checks the row after the first commits
//! and matches nothing) and by locking the rows a change derives from
//! ([`lock_tools`]).

use crate::connection::DbConnection;
use crate::error::StoreError;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::Connection;

type Manager = <DbConnection as Connection>::TransactionManager;

/// Run `f` in a write transaction. Nested calls become savepoints of the
/// outer transaction, which already holds the write lock.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<StoreError> + From<diesel::result::Error>,
{
    // SQLite's outermost write transaction begins IMMEDIATE here; every
    // other (PostgreSQL, or nested: a savepoint) is diesel's own.
    let began_immediate = per_backend!(&mut *conn,
        sqlite(lite) => {
            let outermost = AnsiTransactionManager::transaction_manager_status_mut(lite)
                .transaction_depth()?
                .is_none();
            if outermost {
                AnsiTransactionManager::begin_transaction_sql(lite, "BEGIN IMMEDIATE")
                    .map_err(StoreError::from)?;
            }
            outermost
        },
        postgres(_) => false,
    );
    if !began_immediate {
        return conn.transaction(f);
    }
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = Manager::rollback_transaction(conn);
                Err(StoreError::from(e).into())
            }
        },
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::warn!(error = %rollback, "rollback after a failed write failed");
            }
            Err(e)
        }
    }
}

/// Lock the rows of these tools until the transaction ends, in id order so
/// two transactions never wait for each other crosswise. Changes that
/// recompute a tool's derived rows (verdict in force, facets) take it first,
/// so two publishes covering one tool run one after the other instead of
/// both inserting the same derived row. SQLite needs nothing: a write
/// transaction there already excludes every other writer.
pub fn lock_tools(conn: &mut DbConnection, tool_ids: &[uuid::Uuid]) -> Result<(), StoreError> {
    use crate::schema::tools;
    use diesel::prelude::*;
    let mut ids: Vec<String> = tool_ids.iter().map(uuid::Uuid::to_string).collect();
    ids.sort();
    per_backend!(conn,
        sqlite(_) => {},
        postgres(pg) => {
            tools::table
                .filter(tools::id.eq_any(&ids))
                .order(tools::id.asc())
                .select(tools::id)
                .for_update()
                .load::<String>(pg)?;
        },
    );
    Ok(())
}

/// A compare-and-set update matched its row, or someone changed the row
/// first: [`StoreError::Stale`] (412 at the API).
pub(crate) fn one_row_or_stale(changed: usize) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::Stale)
    } else {
        Ok(())
    }
}
