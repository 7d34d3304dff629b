//! Vendor submissions and their triage.

use crate::connection::DbConnection;
use crate::error::{ConflictKind, Entity, StoreError, StoreResult};
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::submissions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::submission::{ReviewerComment, Submission, SubmissionInput, SubmissionStatus};
use toolreg_core::Validate;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submissions)]
struct SubmissionRow {
    id: String,
    vendor_org_id: String,
    tool_id: Option<String>,
    kind: String,
    payload: String,
    status: String,
    reviewer_comments: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SubmissionRow {
    fn into_domain(self) -> StoreResult<Submission> {
        Ok(Submission {
            id: parse_uuid("submissions.id", &self.id)?,
            vendor_org_id: parse_uuid("submissions.vendor_org_id", &self.vendor_org_id)?,
            input: SubmissionInput {
                kind: parse_enum("submissions.kind", &self.kind)?,
                tool_id: self
                    .tool_id
                    .as_deref()
                    .map(|t| parse_uuid("submissions.tool_id", t))
                    .transpose()?,
                payload: from_json("submissions.payload", &self.payload)?,
            },
            status: parse_enum("submissions.status", &self.status)?,
            reviewer_comments: from_json("submissions.reviewer_comments", &self.reviewer_comments)?,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

pub fn create(
    conn: &mut DbConnection,
    id: Uuid,
    vendor_org_id: Uuid,
    input: &SubmissionInput,
    now: DateTime<Utc>,
) -> StoreResult<Submission> {
    input.validate()?;
    if let Some(tool_id) = input.tool_id {
        let vendor: String = crate::schema::tools::table
            .find(tool_id.to_string())
            .select(crate::schema::tools::vendor_id)
            .first(conn)
            .map_err(crate::error::or_not_found(Entity::Tool))?;
        if vendor != vendor_org_id.to_string() {
            return Err(StoreError::Conflict(ConflictKind::OtherVendorsTool));
        }
    }
    let row = SubmissionRow {
        id: id.to_string(),
        vendor_org_id: vendor_org_id.to_string(),
        tool_id: input.tool_id.map(|t| t.to_string()),
        kind: input.kind.as_str().to_string(),
        payload: to_json(&input.payload),
        status: SubmissionStatus::Submitted.as_str().to_string(),
        reviewer_comments: "[]".to_string(),
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    diesel::insert_into(submissions::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Submission> {
    submissions::table
        .find(id.to_string())
        .select(SubmissionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Submission))?
        .into_domain()
}

pub fn list_for_vendor(
    conn: &mut DbConnection,
    vendor_org_id: Uuid,
) -> StoreResult<Vec<Submission>> {
    submissions::table
        .filter(submissions::vendor_org_id.eq(vendor_org_id.to_string()))
        .order(submissions::created_at.desc())
        .select(SubmissionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubmissionRow::into_domain)
        .collect()
}

/// A reviewer moves a submission on, optionally with a comment.
pub fn triage(
    conn: &mut DbConnection,
    id: Uuid,
    status: SubmissionStatus,
    comment: Option<ReviewerComment>,
    now: DateTime<Utc>,
) -> StoreResult<Submission> {
    crate::write::write_transaction(conn, |conn| {
        let mut current = get(conn, id)?;
        current.reviewer_comments.extend(comment);
        diesel::update(submissions::table.find(id.to_string()))
            .set((
                submissions::status.eq(status.as_str()),
                submissions::reviewer_comments.eq(to_json(&current.reviewer_comments)),
                submissions::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        get(conn, id)
    })
}
