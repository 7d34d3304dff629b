//! Vendor submissions: the content, where triage stands, and the thread.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::submissions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::submission::{Submission, SubmissionStatus};
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
    /// The whole thread, vendor's and reviewer's comments alike.
    reviewer_comments: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl SubmissionRow {
    fn of(s: &Submission) -> Self {
        Self {
            id: s.id.to_string(),
            vendor_org_id: s.vendor_org_id.to_string(),
            tool_id: s.tool_id.map(|t| t.to_string()),
            kind: s.content.kind().as_str().to_string(),
            payload: to_json(&s.content),
            status: s.status.as_str().to_string(),
            reviewer_comments: to_json(&s.comments),
            created_at: to_db(s.created_at),
            updated_at: to_db(s.updated_at),
        }
    }

    fn into_domain(self) -> StoreResult<Submission> {
        Ok(Submission {
            id: parse_uuid("submissions.id", &self.id)?,
            vendor_org_id: parse_uuid("submissions.vendor_org_id", &self.vendor_org_id)?,
            tool_id: self
                .tool_id
                .as_deref()
                .map(|t| parse_uuid("submissions.tool_id", t))
                .transpose()?,
            content: from_json("submissions.payload", &self.payload)?,
            status: parse_enum("submissions.status", &self.status)?,
            comments: from_json("submissions.reviewer_comments", &self.reviewer_comments)?,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, s: &Submission) -> StoreResult<()> {
    diesel::insert_into(submissions::table)
        .values(SubmissionRow::of(s))
        .execute(conn)?;
    Ok(())
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

/// Write `s` over the stored one if that is still as of `seen` (its
/// `updated_at` when read); Stale when someone came first.
pub fn replace_if_unchanged(
    conn: &mut DbConnection,
    s: &Submission,
    seen: DateTime<Utc>,
) -> StoreResult<()> {
    let row = SubmissionRow::of(s);
    let n = diesel::update(
        submissions::table
            .find(&row.id)
            .filter(submissions::updated_at.eq(to_db(seen))),
    )
    .set((
        submissions::tool_id.eq(&row.tool_id),
        submissions::kind.eq(&row.kind),
        submissions::payload.eq(&row.payload),
        submissions::status.eq(&row.status),
        submissions::reviewer_comments.eq(&row.reviewer_comments),
        submissions::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Submissions newest first: one vendor's, or all; optionally in one
/// status.
pub fn list(
    conn: &mut DbConnection,
    vendor: Option<Uuid>,
    status: Option<SubmissionStatus>,
    page: &PageRequest,
) -> StoreResult<Page<Submission>> {
    let mut query = submissions::table.into_boxed();
    if let Some(v) = vendor {
        query = query.filter(submissions::vendor_org_id.eq(v.to_string()));
    }
    if let Some(s) = status {
        query = query.filter(submissions::status.eq(s.as_str()));
    }
    if let Some((_, after)) = page.after() {
        query = query.filter(submissions::id.lt(after.to_string()));
    }
    let rows = query
        .order(submissions::id.desc())
        .limit(page.fetch_limit())
        .select(SubmissionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubmissionRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(rows, page.limit, |s| {
        (String::new(), s.id.to_string())
    }))
}
