//! toolreg-store: one diesel schema over SQLite and PostgreSQL, the pool,
//! embedded migrations, and the queries for every entity of the domain.
//! Functions take a `&mut DbConnection`; callers pick the transaction.

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
pub mod delivery;
pub mod document;
pub mod event;
pub mod generation;
pub mod organisation;
pub mod submission;
pub mod subprocessor_revision;
pub mod subscription;
pub mod tool;
pub mod tool_current;
pub mod verdict_version;
pub mod write;

pub use connection::{build_pool, Backend, DatabaseUrl, DbConnection, DbPool, PooledDb};
pub use error::{StoreError, StoreResult};
pub use page::{Page, PageRequest};
pub use write::write_transaction;
