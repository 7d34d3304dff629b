//! Embedded migrations, one set per backend, run at start. Every migration
//! reverts (`revert_all`); a test runs up → down → up on both backends and
//! compares what the two sets build.

use crate::connection::DbConnection;
use crate::error::{StoreError, StoreResult};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

fn migration_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// Apply pending migrations; returns how many ran.
pub fn run_pending(conn: &mut DbConnection) -> StoreResult<usize> {
    per_backend!(conn,
        sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| v.len()),
        postgres(c) => c.run_pending_migrations(POSTGRES).map(|v| v.len()),
    )
    .map_err(migration_error)
}

/// Revert every applied migration, newest first; returns how many.
pub fn revert_all(conn: &mut DbConnection) -> StoreResult<usize> {
    per_backend!(conn,
        sqlite(c) => c.revert_all_migrations(SQLITE).map(|v| v.len()),
        postgres(c) => c.revert_all_migrations(POSTGRES).map(|v| v.len()),
    )
    .map_err(migration_error)
}
