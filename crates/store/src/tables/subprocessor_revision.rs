//! The `subprocessor_revisions` table: a numbered, append-only list per
//! tool. Appending as a workflow (diff, facets, event) is in
//! `ops::subprocessors`.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::{from_json, parse_uuid, to_json};
use crate::schema::subprocessor_revisions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::subprocessor::{
    transfers_to_third_country, SubprocessorRevision, SubprocessorRevisionInput,
};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subprocessor_revisions)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct RevisionRow {
    id: String,
    tool_id: String,
    revision: i32,
    note: String,
    source_url: Option<String>,
    entries: String,
    has_third_country: bool,
    created_at: NaiveDateTime,
    created_by: String,
}

impl RevisionRow {
    pub(crate) fn new(
        id: Uuid,
        tool_id: Uuid,
        revision: i32,
        input: &SubprocessorRevisionInput,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.to_string(),
            tool_id: tool_id.to_string(),
            revision,
            note: input.note.clone(),
            source_url: input.source_url.clone(),
            entries: to_json(&input.entries),
            has_third_country: transfers_to_third_country(&input.entries),
            created_at: to_db(now),
            created_by: created_by.to_string(),
        }
    }

    fn into_domain(self) -> StoreResult<SubprocessorRevision> {
        Ok(SubprocessorRevision {
            id: parse_uuid("subprocessor_revisions.id", &self.id)?,
            tool_id: parse_uuid("subprocessor_revisions.tool_id", &self.tool_id)?,
            revision: self.revision,
            note: self.note,
            source_url: self.source_url,
            entries: from_json("subprocessor_revisions.entries", &self.entries)?,
            created_at: from_db(self.created_at),
            created_by: self.created_by,
        })
    }
}

/// Insert revision `revision` of a tool's list.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    tool_id: Uuid,
    revision: i32,
    input: &SubprocessorRevisionInput,
    created_by: &str,
    now: DateTime<Utc>,
) -> StoreResult<SubprocessorRevision> {
    let row = RevisionRow::new(id, tool_id, revision, input, created_by, now);
    diesel::insert_into(subprocessor_revisions::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

/// Whether the latest revision sends data to a third country (none
/// without a revision), from the column kept for this.
pub fn latest_transfers_to_third_country(
    conn: &mut DbConnection,
    tool_id: Uuid,
) -> StoreResult<Option<bool>> {
    Ok(subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq(tool_id.to_string()))
        .order(subprocessor_revisions::revision.desc())
        .select(subprocessor_revisions::has_third_country)
        .first(conn)
        .optional()?)
}

pub fn latest_number(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Option<i32>> {
    Ok(subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq(tool_id.to_string()))
        .select(diesel::dsl::max(subprocessor_revisions::revision))
        .first(conn)?)
}

pub fn get(
    conn: &mut DbConnection,
    tool_id: Uuid,
    revision: i32,
) -> StoreResult<SubprocessorRevision> {
    subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq(tool_id.to_string()))
        .filter(subprocessor_revisions::revision.eq(revision))
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::SubprocessorRevision))?
        .into_domain()
}

pub fn latest(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Option<SubprocessorRevision>> {
    subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq(tool_id.to_string()))
        .order(subprocessor_revisions::revision.desc())
        .select(RevisionRow::as_select())
        .first(conn)
        .optional()?
        .map(RevisionRow::into_domain)
        .transpose()
}

/// The latest revision of each of several tools, in one query; tools
/// without a revision are absent.
pub fn latest_for_tools(
    conn: &mut DbConnection,
    tool_ids: &[Uuid],
) -> StoreResult<std::collections::HashMap<Uuid, SubprocessorRevision>> {
    let keys: Vec<String> = tool_ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<RevisionRow> = subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq_any(keys))
        .order((
            subprocessor_revisions::tool_id.asc(),
            subprocessor_revisions::revision.desc(),
        ))
        .select(RevisionRow::as_select())
        .load(conn)?;
    let mut latest = std::collections::HashMap::new();
    for row in rows {
        let revision = row.into_domain()?;
        // Newest first within a tool: keep the first seen.
        latest.entry(revision.tool_id).or_insert(revision);
    }
    Ok(latest)
}

/// All revisions of a tool, oldest first.
pub fn list(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Vec<SubprocessorRevision>> {
    subprocessor_revisions::table
        .filter(subprocessor_revisions::tool_id.eq(tool_id.to_string()))
        .order(subprocessor_revisions::revision.asc())
        .select(RevisionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(RevisionRow::into_domain)
        .collect()
}
