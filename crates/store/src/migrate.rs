//! Embedded migrations, one set per backend, run at start.

use crate::connection::DbConnection;
use crate::error::{StoreError, StoreResult};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// Apply pending migrations; returns how many ran.
pub fn run_pending(conn: &mut DbConnection) -> StoreResult<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
    };
    applied.map_err(|e| StoreError::Migration(e.to_string()))
}
