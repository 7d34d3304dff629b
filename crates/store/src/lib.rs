//! toolreg-store: one diesel schema over SQLite and PostgreSQL, the pool,
//! embedded migrations, single-table modules (`tables`) and the workflows
//! that change the registry (`ops`), every one of them through the change
//! pipeline in `ops::change`. Functions take a `&mut DbConnection`; reads
//! run in the caller's transaction, writes open their own.

/// The one idiom for what differs between the backends (SQL dialect,
/// locking, transaction start): both arms side by side, each with the
/// concrete connection. Everything else is written once against
/// `DbConnection`.
///
/// ```ignore
/// per_backend!(conn,
///     sqlite(lite) => lite.immediate_transaction(...),
///     postgres(pg) => diesel::sql_query(PG_CLAIM).load(pg),
/// )
/// ```
macro_rules! per_backend {
    ($conn:expr, sqlite($s:pat) => $sq:expr, postgres($p:pat) => $pg:expr $(,)?) => {
        match $conn {
            crate::connection::DbConnection::Sqlite($s) => $sq,
            crate::connection::DbConnection::Postgres($p) => $pg,
        }
    };
}

/// Insert `rows` in chunks of `CHUNK` (SQLite binds at most 32766
/// parameters per statement). Batch inserts need the concrete backend:
/// `MultiConnection` has no multi-row VALUES.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        for chunk in rows.chunks(crate::ops::bulk::CHUNK) {
            per_backend!(&mut *$conn,
                sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
                postgres(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            );
        }
        rows.len()
    }};
}

pub mod connection;
pub mod error;
#[cfg(feature = "test-support")]
pub mod explain;
pub mod migrate;
pub mod page;
pub mod query_tally;
pub mod read_model;
pub mod row;
pub mod schema;
pub mod seed;
#[cfg(feature = "test-support")]
pub mod test_fixtures;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod time;
pub mod write;

pub mod ops;
pub mod tables;

pub use connection::{build_pool, Backend, DatabaseUrl, DbConnection, DbPool, PooledDb};
pub use error::{ConflictKind, Entity, StoreError, StoreResult};
pub use ops::change::ChangeContext;
pub use page::{Page, PageRequest};
pub use write::write_transaction;
