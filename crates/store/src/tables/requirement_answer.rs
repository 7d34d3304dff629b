//! A tool's answers to the requirement catalogue, one row per requirement
//! and catalogue version.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::row::{parse_enum, parse_uuid};
use crate::schema::requirement_answers as answers;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::requirement::{AnswerInput, RecordedAnswer};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = answers)]
struct AnswerRow {
    tool_id: String,
    catalogue_version: i32,
    requirement_id: String,
    answer: String,
    comment: String,
    evidence_document_id: Option<String>,
    answered_by: String,
    answered_at: NaiveDateTime,
}

impl AnswerRow {
    fn into_domain(self) -> StoreResult<RecordedAnswer> {
        Ok(RecordedAnswer {
            input: AnswerInput {
                requirement_id: self.requirement_id,
                answer: parse_enum("requirement_answers.answer", &self.answer)?,
                comment: self.comment,
                evidence_document_id: self
                    .evidence_document_id
                    .map(|d| parse_uuid("requirement_answers.evidence_document_id", &d))
                    .transpose()?,
            },
            answered_by: self.answered_by,
            answered_at: from_db(self.answered_at),
        })
    }
}

/// Replace a tool's answers to one catalogue version with `set`.
pub fn replace(
    conn: &mut DbConnection,
    tool_id: Uuid,
    catalogue_version: i32,
    set: &[AnswerInput],
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::delete(
        answers::table
            .filter(answers::tool_id.eq(tool_id.to_string()))
            .filter(answers::catalogue_version.eq(catalogue_version)),
    )
    .execute(conn)?;
    let rows: Vec<AnswerRow> = set
        .iter()
        .map(|a| AnswerRow {
            tool_id: tool_id.to_string(),
            catalogue_version,
            requirement_id: a.requirement_id.clone(),
            answer: a.answer.as_str().to_string(),
            comment: a.comment.trim().to_string(),
            evidence_document_id: a.evidence_document_id.map(|d| d.to_string()),
            answered_by: by.to_string(),
            answered_at: to_db(now),
        })
        .collect();
    for chunk in rows.chunks(crate::ops::bulk::CHUNK) {
        // Multi-row inserts are per backend (MultiConnection has none).
        per_backend!(&mut *conn,
            sqlite(c) => diesel::insert_into(answers::table).values(chunk).execute(c)?,
            postgres(c) => diesel::insert_into(answers::table).values(chunk).execute(c)?,
        );
    }
    Ok(())
}

/// A tool's answers to one catalogue version, in requirement order.
pub fn list(
    conn: &mut DbConnection,
    tool_id: Uuid,
    catalogue_version: i32,
) -> StoreResult<Vec<RecordedAnswer>> {
    answers::table
        .filter(answers::tool_id.eq(tool_id.to_string()))
        .filter(answers::catalogue_version.eq(catalogue_version))
        .order(answers::requirement_id.asc())
        .select(AnswerRow::as_select())
        .load(conn)?
        .into_iter()
        .map(AnswerRow::into_domain)
        .collect()
}
