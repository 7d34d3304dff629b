//! toolreg-store: one diesel schema over SQLite and PostgreSQL, the pool,
//! embedded migrations, and the queries for every entity of the domain.
//! Functions take a `&mut DbConnection`; callers pick the transaction.

/// Insert `rows` in chunks of `CHUNK` (SQLite binds at most 32766
/// parameters per statement). Batch inserts need the concrete backend:
/// `MultiConnection` has no multi-row VALUES.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        for chunk in rows.chunks(crate::bulk::CHUNK) {
            match &mut *$conn {
                crate::connection::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                crate::connection::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        rows.len()
    }};
}

pub mod connection;
pub mod error;
pub mod migrate;
pub mod page;
pub mod schema;
pub mod seed;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod time;

pub mod assessment;
pub mod audit;
pub mod bulk;
pub mod checkpoint;
pub mod delivery;
pub mod document;
pub mod event;
pub mod generation;
pub mod integrity;
pub mod organisation;
pub mod submission;
pub mod subprocessor_revision;
pub mod subscription;
pub mod tool;
pub mod tool_current;
pub mod tool_revision;
pub mod verdict_version;
pub mod write;

pub use connection::{build_pool, Backend, DatabaseUrl, DbConnection, DbPool, PooledDb};
pub use error::{StoreError, StoreResult};
pub use page::{Page, PageRequest};
pub use write::write_transaction;
