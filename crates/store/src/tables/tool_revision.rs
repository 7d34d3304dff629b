//! A tool's history: every state it has had, with the fields that changed
//! and in what capacity, written in the transaction of the change.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::row::{from_json, to_json};
use crate::schema::tool_revisions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::tool::{ToolInput, ToolRevision};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tool_revisions)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct ToolRevisionRow {
    tool_id: String,
    revision: i64,
    input: String,
    changed_fields: String,
    editor: String,
    changed_at: NaiveDateTime,
}

impl ToolRevisionRow {
    pub(crate) fn new(
        tool_id: Uuid,
        revision: i64,
        input: &ToolInput,
        before: Option<&ToolInput>,
        editor: &str,
        at: DateTime<Utc>,
    ) -> Self {
        let changed = match before {
            Some(b) => input.changed_fields(b),
            None => input.set_fields(),
        };
        Self {
            tool_id: tool_id.to_string(),
            revision,
            input: to_json(input),
            changed_fields: to_json(&changed),
            editor: editor.to_string(),
            changed_at: to_db(at),
        }
    }

    fn into_domain(self) -> StoreResult<ToolRevision> {
        Ok(ToolRevision {
            revision: self.revision,
            changed_at: from_db(self.changed_at),
            editor: self.editor,
            changed_fields: from_json("tool_revisions.changed_fields", &self.changed_fields)?,
            tool: from_json("tool_revisions.input", &self.input)?,
        })
    }
}

pub(crate) fn record(conn: &mut DbConnection, row: &ToolRevisionRow) -> StoreResult<()> {
    diesel::insert_into(tool_revisions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A tool's revisions, newest first.
pub fn list(conn: &mut DbConnection, tool_id: Uuid, limit: i64) -> StoreResult<Vec<ToolRevision>> {
    tool_revisions::table
        .filter(tool_revisions::tool_id.eq(tool_id.to_string()))
        .order(tool_revisions::revision.desc())
        .limit(limit)
        .select(ToolRevisionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ToolRevisionRow::into_domain)
        .collect()
}
