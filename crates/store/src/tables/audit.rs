//! The `audit_entries` table: the chain, appended in the transaction of the
//! change (by `ops::change`), read back to verify.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::audit_entries;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use toolreg_core::audit::{entry_hash, state_hash, AuditEntry, ChainVerifier, GENESIS_HASH};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_entries)]
#[diesel(treat_none_as_default_value = false)]
struct AuditRow {
    sequence: i64,
    time: NaiveDateTime,
    actor_sub: String,
    actor_org: Option<String>,
    action: String,
    target: String,
    request_id: Option<String>,
    state_sha256: String,
    prev_hash: String,
    entry_hash: String,
}

impl AuditRow {
    fn from_entry(e: &AuditEntry) -> Self {
        Self {
            sequence: e.sequence,
            time: to_db(e.time),
            actor_sub: e.actor_sub.clone(),
            actor_org: e.actor_org.clone(),
            action: e.action.clone(),
            target: e.target.clone(),
            request_id: e.request_id.clone(),
            state_sha256: e.state_sha256.clone(),
            prev_hash: e.prev_hash.clone(),
            entry_hash: e.entry_hash.clone(),
        }
    }
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            sequence: r.sequence,
            time: from_db(r.time),
            actor_sub: r.actor_sub,
            actor_org: r.actor_org,
            action: r.action,
            target: r.target,
            request_id: r.request_id,
            state_sha256: r.state_sha256,
            prev_hash: r.prev_hash,
            entry_hash: r.entry_hash,
        }
    }
}

/// Who did something, and under which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub sub: String,
    pub org: Option<String>,
    pub request_id: Option<String>,
}

/// Serialise appenders: on PostgreSQL, concurrent transactions would
/// otherwise read the same tail and fork the chain. SQLite's single writer
/// already does this.
fn lock_tail(conn: &mut DbConnection) -> StoreResult<()> {
    per_backend!(conn,
        sqlite(_) => Ok(()),
        postgres(pg) => Ok(pg.batch_execute("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE")?),
    )
}

/// Append an entry linking to the current tail. Call inside the transaction
/// that makes the change, so both commit or neither does.
pub fn append<T: serde::Serialize + ?Sized>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    target: &str,
    new_state: &T,
    now: DateTime<Utc>,
) -> StoreResult<AuditEntry> {
    let state = state_hash(new_state);
    let mut entries = append_many(conn, actor, &[(action, target, state)], now)?;
    entries.pop().ok_or(crate::StoreError::Corrupt {
        what: "audit_entries",
        detail: "ingen rad skrevet".into(),
    })
}

/// Append several entries by one actor, chained in order, with one read of
/// the tail: for bulk loads, whose every published version gets its
/// publication entry like one published through the API. Each change is
/// (action, target, `state_hash` of the new state).
pub fn append_many(
    conn: &mut DbConnection,
    actor: &Actor,
    changes: &[(&str, &str, String)],
    now: DateTime<Utc>,
) -> StoreResult<Vec<AuditEntry>> {
    crate::write::write_transaction(conn, |conn| {
        lock_tail(conn)?;
        let tail: Option<(i64, String)> = audit_entries::table
            .order(audit_entries::sequence.desc())
            .select((audit_entries::sequence, audit_entries::entry_hash))
            .first(conn)
            .optional()?;
        let (mut sequence, mut prev_hash) = match tail {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS_HASH.to_string()),
        };
        let time = crate::time::from_db(to_db(now));
        let mut entries = Vec::with_capacity(changes.len());
        for (action, target, state) in changes {
            let mut entry = AuditEntry {
                sequence,
                time,
                actor_sub: actor.sub.clone(),
                actor_org: actor.org.clone(),
                action: action.to_string(),
                target: target.to_string(),
                request_id: actor.request_id.clone(),
                state_sha256: state.clone(),
                prev_hash: prev_hash.clone(),
                entry_hash: String::new(),
            };
            entry.entry_hash = entry_hash(&entry);
            prev_hash = entry.entry_hash.clone();
            sequence += 1;
            entries.push(entry);
        }
        let rows: Vec<AuditRow> = entries.iter().map(AuditRow::from_entry).collect();
        insert_chunks!(conn, audit_entries::table, rows);
        Ok(entries)
    })
}

/// The newest entry, if any.
pub fn head(conn: &mut DbConnection) -> StoreResult<Option<AuditEntry>> {
    Ok(audit_entries::table
        .order(audit_entries::sequence.desc())
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?
        .map(AuditEntry::from))
}

/// The entry with this sequence number, if it exists.
pub fn at(conn: &mut DbConnection, sequence: i64) -> StoreResult<Option<AuditEntry>> {
    Ok(audit_entries::table
        .find(sequence)
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?
        .map(AuditEntry::from))
}

/// State hashes of every publication entry, by target.
pub fn publication_states(
    conn: &mut DbConnection,
) -> StoreResult<std::collections::HashMap<String, String>> {
    Ok(audit_entries::table
        .filter(audit_entries::action.eq(toolreg_core::change::Action::Publish.as_str()))
        .select((audit_entries::target, audit_entries::state_sha256))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// Entries in order, after a sequence number, optionally for one target
/// and everything under it (`assessments/{id}` includes its versions).
pub fn list(
    conn: &mut DbConnection,
    target: Option<&str>,
    after: i64,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let mut q = audit_entries::table
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(t) = target {
        let under = format!("{}/%", escape_like(&t.to_lowercase()));
        q = q.filter(
            audit_entries::target
                .eq(t.to_lowercase())
                .or(audit_entries::target.like(under).escape('\\')),
        );
    }
    Ok(q.filter(audit_entries::sequence.gt(after))
        .order(audit_entries::sequence.asc())
        .limit(limit)
        .load(conn)?
        .into_iter()
        .map(AuditEntry::from)
        .collect())
}

/// `text` as a LIKE pattern that matches only itself.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Walk the whole chain in batches; the sequence of the first broken entry.
pub fn first_broken(conn: &mut DbConnection) -> StoreResult<Option<i64>> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let batch = list(conn, None, after, 5000)?;
        let Some(last) = batch.last() else {
            return Ok(None);
        };
        after = last.sequence;
        if let Some(broken) = batch.iter().find(|e| !verifier.accept(e)) {
            return Ok(Some(broken.sequence));
        }
    }
}
