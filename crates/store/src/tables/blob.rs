//! Blobs: one row per distinct document content, addressed by SHA-256.
//! The bytes are in the row in PostgreSQL mode and in a file on the
//! embedded default (toolreg-blob decides); the row is what makes them
//! reachable.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::blobs;
use crate::time::to_db;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Insertable)]
#[diesel(table_name = blobs)]
struct BlobRow<'a> {
    sha256: &'a str,
    size_bytes: i64,
    content: Option<&'a [u8]>,
    created_at: chrono::NaiveDateTime,
}

/// Record a blob; content already recorded is left as it is (identical
/// bytes are stored once).
pub fn insert_if_absent(
    conn: &mut DbConnection,
    sha256: &str,
    size_bytes: i64,
    content: Option<&[u8]>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = BlobRow {
        sha256,
        size_bytes,
        content,
        created_at: to_db(now),
    };
    per_backend!(conn,
        sqlite(c) => diesel::insert_or_ignore_into(blobs::table).values(&row).execute(c)?,
        postgres(c) => diesel::insert_into(blobs::table)
            .values(&row)
            .on_conflict_do_nothing()
            .execute(c)?,
    );
    Ok(())
}

/// The bytes held in the row (PostgreSQL mode); None when there is no such
/// blob or its bytes live elsewhere.
pub fn content(conn: &mut DbConnection, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(blobs::table
        .find(sha256)
        .select(blobs::content)
        .first::<Option<Vec<u8>>>(conn)
        .optional()?
        .flatten())
}

/// Whether a blob is recorded.
pub fn exists(conn: &mut DbConnection, sha256: &str) -> StoreResult<bool> {
    Ok(blobs::table
        .find(sha256)
        .select(blobs::sha256)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// How many blobs are recorded (tests: a failed upload adds none).
pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(blobs::table.count().get_result(conn)?)
}
