//! Signed checkpoints of the audit chain head, stored so the API can
//! publish them, and checked against the chain by `toolreg audit verify
//! --checkpoints`.

use crate::connection::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::audit_checkpoints;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::checkpoint::{Checkpoint, CheckpointSigner, PublicKey};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_checkpoints)]
struct CheckpointRow {
    sequence: i64,
    time: NaiveDateTime,
    entry_hash: String,
    key_id: String,
    signature: String,
}

impl From<CheckpointRow> for Checkpoint {
    fn from(r: CheckpointRow) -> Self {
        Checkpoint {
            sequence: r.sequence,
            entry_hash: r.entry_hash,
            time: from_db(r.time),
            key_id: r.key_id,
            signature: r.signature,
        }
    }
}

/// Sign the current head of the chain unless the newest checkpoint already
/// covers it. Returns the new checkpoint, if one was made.
pub fn make(
    conn: &mut DbConnection,
    signer: &CheckpointSigner,
    now: DateTime<Utc>,
) -> StoreResult<Option<Checkpoint>> {
    crate::write::write_transaction(conn, |conn| {
        let Some(head) = crate::tables::audit::head(conn)? else {
            return Ok(None);
        };
        let newest: Option<i64> = audit_checkpoints::table
            .select(diesel::dsl::max(audit_checkpoints::sequence))
            .first(conn)?;
        if newest.is_some_and(|s| s >= head.sequence) {
            return Ok(None);
        }
        // Stored at the database's precision, so the signed time is the
        // time served.
        let time = from_db(to_db(now));
        let c = signer.sign(head.sequence, &head.entry_hash, time);
        diesel::insert_into(audit_checkpoints::table)
            .values(CheckpointRow {
                sequence: c.sequence,
                time: to_db(c.time),
                entry_hash: c.entry_hash.clone(),
                key_id: c.key_id.clone(),
                signature: c.signature.clone(),
            })
            .execute(conn)?;
        Ok(Some(c))
    })
}

/// Checkpoints newest first, before `before` (a sequence) when given.
pub fn list(
    conn: &mut DbConnection,
    before: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<Checkpoint>> {
    let mut q = audit_checkpoints::table
        .select(CheckpointRow::as_select())
        .order(audit_checkpoints::sequence.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(audit_checkpoints::sequence.lt(b));
    }
    Ok(q.load(conn)?.into_iter().map(Checkpoint::from).collect())
}

/// What a kept checkpoint says about today's chain, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointFinding {
    /// Signature bad or by another key: the checkpoint proves nothing.
    Unverifiable { sequence: i64, reason: String },
    /// The chain no longer reaches the checkpoint: entries were removed.
    Truncated { sequence: i64 },
    /// The entry at the checkpoint's sequence is another than was signed.
    Rewritten { sequence: i64 },
}

impl std::fmt::Display for CheckpointFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unverifiable { sequence, reason } => {
                write!(f, "sjekkpunkt {sequence} kan ikke verifiseres: {reason}")
            }
            Self::Truncated { sequence } => write!(
                f,
                "sjekkpunkt {sequence}: revisjonssporet slutter før denne oppføringen (historikk er slettet)"
            ),
            Self::Rewritten { sequence } => write!(
                f,
                "sjekkpunkt {sequence}: oppføringen er en annen enn den som ble signert (historikk er skrevet om)"
            ),
        }
    }
}

/// Hold kept checkpoints against the chain as it is now. Each verified
/// checkpoint pins one entry hash; the chain links every earlier entry to
/// it, so a matching hash there (with `audit::first_broken` passing)
/// proves everything up to it unchanged.
pub fn check(
    conn: &mut DbConnection,
    key: &PublicKey,
    kept: &[Checkpoint],
) -> StoreResult<Vec<CheckpointFinding>> {
    let mut findings = Vec::new();
    for c in kept {
        if let Err(e) = key.verify(c) {
            findings.push(CheckpointFinding::Unverifiable {
                sequence: c.sequence,
                reason: e.to_string(),
            });
            continue;
        }
        match crate::tables::audit::at(conn, c.sequence)? {
            None => findings.push(CheckpointFinding::Truncated {
                sequence: c.sequence,
            }),
            Some(e) if e.entry_hash != c.entry_hash => {
                findings.push(CheckpointFinding::Rewritten {
                    sequence: c.sequence,
                })
            }
            Some(_) => {}
        }
    }
    Ok(findings)
}

impl From<toolreg_core::checkpoint::CheckpointError> for StoreError {
    fn from(e: toolreg_core::checkpoint::CheckpointError) -> Self {
        StoreError::Corrupt {
            what: "audit_checkpoints",
            detail: e.to_string(),
        }
    }
}
