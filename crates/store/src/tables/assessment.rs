//! The `assessments` table and the `assessment_tools` join it owns: rows
//! and compare-and-set updates. Creating, drafting, publishing and
//! withdrawing as workflows are in `ops::assessment`.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::{from_json, parse_enum, parse_uuid, to_json, withdrawal_of};
use crate::schema::{assessment_tools, assessments};
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::assessment::{Assessment, AssessmentInput, AssessmentStatus};
use toolreg_core::verdict::VerdictDraft;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assessments)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct AssessmentRow {
    id: String,
    kind: String,
    title: String,
    reviewer_org_id: String,
    status: String,
    draft: Option<String>,
    draft_revision: i64,
    draft_updated_by: Option<String>,
    latest_version: Option<i32>,
    withdrawn_at: Option<NaiveDateTime>,
    withdrawn_by: Option<String>,
    withdrawn_reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl AssessmentRow {
    pub(crate) fn from_domain(a: &Assessment) -> Self {
        Self {
            id: a.id.to_string(),
            kind: a.kind.as_str().to_string(),
            title: a.title.clone(),
            reviewer_org_id: a.reviewer_org_id.to_string(),
            status: a.status.as_str().to_string(),
            draft: a.draft.as_ref().map(to_json),
            draft_revision: a.draft_revision,
            draft_updated_by: a.draft_updated_by.clone(),
            latest_version: a.latest_version,
            withdrawn_at: a.withdrawal.as_ref().map(|w| to_db(w.at)),
            withdrawn_by: a.withdrawal.as_ref().map(|w| w.by.clone()),
            withdrawn_reason: a.withdrawal.as_ref().map(|w| w.reason.clone()),
            created_at: to_db(a.created_at),
            updated_at: to_db(a.updated_at),
        }
    }

    fn into_domain(self, tool_ids: Vec<Uuid>) -> StoreResult<Assessment> {
        Ok(Assessment {
            id: parse_uuid("assessments.id", &self.id)?,
            kind: parse_enum("assessments.kind", &self.kind)?,
            title: self.title,
            tool_ids,
            reviewer_org_id: parse_uuid("assessments.reviewer_org_id", &self.reviewer_org_id)?,
            status: parse_enum("assessments.status", &self.status)?,
            draft: self
                .draft
                .as_deref()
                .map(|d| from_json("assessments.draft", d))
                .transpose()?,
            draft_revision: self.draft_revision,
            draft_updated_by: self.draft_updated_by,
            latest_version: self.latest_version,
            withdrawal: withdrawal_of(self.withdrawn_at, self.withdrawn_by, self.withdrawn_reason)?,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// Insert a new assessment (status draft, no draft content yet) with the
/// tools it covers.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    input: &AssessmentInput,
    now: DateTime<Utc>,
) -> StoreResult<Assessment> {
    let row = AssessmentRow {
        id: id.to_string(),
        kind: input.kind.as_str().to_string(),
        title: input.title.trim().to_string(),
        reviewer_org_id: input.reviewer_org_id.to_string(),
        status: AssessmentStatus::Draft.as_str().to_string(),
        draft: None,
        draft_revision: 1,
        draft_updated_by: None,
        latest_version: None,
        withdrawn_at: None,
        withdrawn_by: None,
        withdrawn_reason: None,
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    diesel::insert_into(assessments::table)
        .values(&row)
        .execute(conn)?;
    for tool in &input.tool_ids {
        diesel::insert_into(assessment_tools::table)
            .values((
                assessment_tools::assessment_id.eq(id.to_string()),
                assessment_tools::tool_id.eq(tool.to_string()),
            ))
            .execute(conn)?;
    }
    let mut tool_ids = input.tool_ids.clone();
    tool_ids.sort();
    row.into_domain(tool_ids)
}

fn tool_ids_of(conn: &mut DbConnection, id: Uuid) -> StoreResult<Vec<Uuid>> {
    assessment_tools::table
        .filter(assessment_tools::assessment_id.eq(id.to_string()))
        .select(assessment_tools::tool_id)
        .order(assessment_tools::tool_id.asc())
        .load::<String>(conn)?
        .iter()
        .map(|t| parse_uuid("assessment_tools.tool_id", t))
        .collect()
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Assessment> {
    let row = assessments::table
        .find(id.to_string())
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Assessment))?;
    let tool_ids = tool_ids_of(conn, id)?;
    row.into_domain(tool_ids)
}

/// Ids of assessments covering a tool, oldest first.
pub fn ids_for_tool(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Vec<Uuid>> {
    assessment_tools::table
        .inner_join(assessments::table)
        .filter(assessment_tools::tool_id.eq(tool_id.to_string()))
        .order(assessments::created_at.asc())
        .select(assessments::id)
        .load::<String>(conn)?
        .iter()
        .map(|t| parse_uuid("assessments.id", t))
        .collect()
}

/// The assessment row, if its draft revision is still `revision`. Updates
/// through it are compare-and-set: on PostgreSQL a concurrent writer that
/// committed first leaves nothing to match.
fn unchanged_since(
    id: Uuid,
    revision: i64,
) -> diesel::dsl::Filter<
    diesel::dsl::Filter<assessments::table, diesel::dsl::Eq<assessments::id, String>>,
    diesel::dsl::Eq<assessments::draft_revision, i64>,
> {
    assessments::table
        .filter(assessments::id.eq(id.to_string()))
        .filter(assessments::draft_revision.eq(revision))
}

/// Store a new draft as the next draft revision, if the draft is still at
/// `current.draft_revision`.
pub fn replace_draft_if_unchanged(
    conn: &mut DbConnection,
    current: &Assessment,
    draft: &VerdictDraft,
    updated_by: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let changed = diesel::update(unchanged_since(current.id, current.draft_revision))
        .set((
            assessments::draft.eq(Some(to_json(draft))),
            assessments::draft_revision.eq(current.draft_revision + 1),
            assessments::draft_updated_by.eq(Some(updated_by)),
            assessments::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    crate::write::one_row_or_stale(changed)
}

/// Move the draft revision on, if it is still `current.draft_revision`:
/// publishing claims the draft this way, so an ETag names one content and
/// one publication, and the second of two concurrent publishes matches no
/// row once the first commits.
pub fn claim_draft(conn: &mut DbConnection, current: &Assessment) -> StoreResult<()> {
    let changed = diesel::update(unchanged_since(current.id, current.draft_revision))
        .set(assessments::draft_revision.eq(current.draft_revision + 1))
        .execute(conn)?;
    crate::write::one_row_or_stale(changed)
}

pub fn mark_published(
    conn: &mut DbConnection,
    id: Uuid,
    version: i32,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    diesel::update(assessments::table.find(id.to_string()))
        .set((
            assessments::status.eq(AssessmentStatus::Published.as_str()),
            assessments::latest_version.eq(Some(version)),
            assessments::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Mark withdrawn; false if it already was.
pub fn mark_withdrawn(
    conn: &mut DbConnection,
    id: Uuid,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let changed = diesel::update(
        assessments::table
            .filter(assessments::id.eq(id.to_string()))
            .filter(assessments::withdrawn_at.is_null()),
    )
    .set((
        assessments::status.eq(AssessmentStatus::Withdrawn.as_str()),
        assessments::withdrawn_at.eq(Some(to_db(now))),
        assessments::withdrawn_by.eq(Some(by)),
        assessments::withdrawn_reason.eq(Some(reason)),
        assessments::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// A reviewer organisation's own assessments, by title then id, optionally
/// of one status. Tool ids come in one query for the whole page.
pub fn list_for_reviewer(
    conn: &mut DbConnection,
    reviewer_org_id: Uuid,
    status: Option<AssessmentStatus>,
    page: &crate::page::PageRequest,
) -> StoreResult<crate::page::Page<Assessment>> {
    let mut q = assessments::table
        .filter(assessments::reviewer_org_id.eq(reviewer_org_id.to_string()))
        .select(AssessmentRow::as_select())
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(assessments::status.eq(s.as_str()));
    }
    if let Some((title, id)) = page.after() {
        q = q.filter(
            assessments::title
                .gt(title.to_string())
                .or(assessments::title
                    .eq(title.to_string())
                    .and(assessments::id.gt(id.to_string()))),
        );
    }
    let rows: Vec<AssessmentRow> = q
        .order((assessments::title.asc(), assessments::id.asc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut tools: std::collections::HashMap<String, Vec<Uuid>> = std::collections::HashMap::new();
    for (a, t) in assessment_tools::table
        .filter(assessment_tools::assessment_id.eq_any(&ids))
        .order(assessment_tools::tool_id.asc())
        .select((assessment_tools::assessment_id, assessment_tools::tool_id))
        .load::<(String, String)>(conn)?
    {
        tools
            .entry(a)
            .or_default()
            .push(parse_uuid("assessment_tools.tool_id", &t)?);
    }
    let items = rows
        .into_iter()
        .map(|r| {
            let t = tools.remove(&r.id).unwrap_or_default();
            r.into_domain(t)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(crate::page::Page::from_fetched(items, page.limit, |a| {
        (a.title.clone(), a.id.to_string())
    }))
}
