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

/// Insert `rows` into `$table` and return how many: on SQLite as multi-row
/// INSERTs of `CHUNK` rows (it binds at most 32,766 parameters per
/// statement), on PostgreSQL as binary COPY of `COPY_CHUNK` rows, which
/// skips the per-statement parse and plan and the text round trip of every
/// value. `$written` (optional) hears the size of each chunk as it lands.
/// Batch inserts need the concrete backend: `MultiConnection` has neither
/// multi-row VALUES nor COPY.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {
        insert_chunks!($conn, $table, $rows, &mut |_: usize| {})
    };
    ($conn:expr, $table:expr, $rows:expr, $written:expr) => {{
        let rows = $rows;
        let written = $written;
        per_backend!(&mut *$conn,
            sqlite(c) => for chunk in rows.chunks(crate::ops::bulk::CHUNK) {
                diesel::insert_into($table).values(chunk).execute(c)?;
                written(chunk.len());
            },
            postgres(c) => for chunk in rows.chunks(crate::ops::bulk::COPY_CHUNK) {
                diesel::copy_from($table).from_insertable(chunk).execute(c)?;
                written(chunk.len());
            },
        );
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
