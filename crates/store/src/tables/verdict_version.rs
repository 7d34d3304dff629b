//! Published verdict versions: insert once, read forever. The database
//! refuses UPDATE and DELETE on this table (see the migrations).

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::withdrawal_of;
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::{assessment_tools, assessments, verdict_versions};
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::assessment::{AssessmentKind, Withdrawal};
use toolreg_core::verdict::{VerdictContent, VerdictVersion};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = verdict_versions)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct VerdictRow {
    id: String,
    assessment_id: String,
    version: i32,
    level: String,
    summary: String,
    content: String,
    change_note: String,
    review_due: Option<NaiveDate>,
    published_at: NaiveDateTime,
    published_by: String,
    content_sha256: String,
}

impl VerdictRow {
    pub(crate) fn from_domain(v: &VerdictVersion) -> Self {
        Self {
            id: v.id.to_string(),
            assessment_id: v.assessment_id.to_string(),
            version: v.version,
            level: v.content.level.as_str().to_string(),
            summary: v.content.summary.clone(),
            content: to_json(&v.content),
            change_note: v.change_note.clone(),
            review_due: v.content.review_due,
            published_at: to_db(v.published_at),
            published_by: v.published_by.clone(),
            content_sha256: v.content_sha256.clone(),
        }
    }

    pub(crate) fn assessment_id(&self) -> &str {
        &self.assessment_id
    }

    pub(crate) fn version(&self) -> i32 {
        self.version
    }

    pub(crate) fn into_domain(self) -> StoreResult<VerdictVersion> {
        let content: VerdictContent = from_json("verdict_versions.content", &self.content)?;
        // Never serve a version whose content is not what was published:
        // a forged row is refused here, whatever wrote it.
        let level_matches = content.level.as_str() == self.level && content.summary == self.summary;
        if content.sha256() != self.content_sha256 || !level_matches {
            return Err(StoreError::Tampered {
                what: format!("vurdering {} versjon {}", self.assessment_id, self.version),
            });
        }
        Ok(VerdictVersion {
            id: parse_uuid("verdict_versions.id", &self.id)?,
            assessment_id: parse_uuid("verdict_versions.assessment_id", &self.assessment_id)?,
            version: self.version,
            content,
            change_note: self.change_note,
            published_at: from_db(self.published_at),
            published_by: self.published_by,
            content_sha256: self.content_sha256,
        })
    }
}

pub(crate) fn insert(conn: &mut DbConnection, v: &VerdictVersion) -> StoreResult<()> {
    diesel::insert_into(verdict_versions::table)
        .values(VerdictRow::from_domain(v))
        .execute(conn)?;
    Ok(())
}

pub fn get(
    conn: &mut DbConnection,
    assessment_id: Uuid,
    version: i32,
) -> StoreResult<VerdictVersion> {
    verdict_versions::table
        .filter(verdict_versions::assessment_id.eq(assessment_id.to_string()))
        .filter(verdict_versions::version.eq(version))
        .select(VerdictRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::VerdictVersion))?
        .into_domain()
}

pub fn latest_of_assessment(
    conn: &mut DbConnection,
    assessment_id: Uuid,
) -> StoreResult<Option<VerdictVersion>> {
    verdict_versions::table
        .filter(verdict_versions::assessment_id.eq(assessment_id.to_string()))
        .order(verdict_versions::version.desc())
        .select(VerdictRow::as_select())
        .first(conn)
        .optional()?
        .map(VerdictRow::into_domain)
        .transpose()
}

pub fn list_for_assessment(
    conn: &mut DbConnection,
    assessment_id: Uuid,
) -> StoreResult<Vec<VerdictVersion>> {
    verdict_versions::table
        .filter(verdict_versions::assessment_id.eq(assessment_id.to_string()))
        .order(verdict_versions::version.asc())
        .select(VerdictRow::as_select())
        .load(conn)?
        .into_iter()
        .map(VerdictRow::into_domain)
        .collect()
}

/// One line of a tool's verdict history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub verdict: VerdictVersion,
    pub assessment_kind: AssessmentKind,
    pub assessment_title: String,
    /// Set when the assessment was later withdrawn.
    pub withdrawal: Option<Withdrawal>,
}

type AssessmentCols = (
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
);

fn history_entry(row: (VerdictRow, AssessmentCols)) -> StoreResult<HistoryEntry> {
    let (v, (kind, title, at, by, reason)) = row;
    Ok(HistoryEntry {
        verdict: v.into_domain()?,
        assessment_kind: parse_enum("assessments.kind", &kind)?,
        assessment_title: title,
        withdrawal: withdrawal_of(at, by, reason)?,
    })
}

/// Versions of every assessment covering the tools, joined with their
/// assessment, newest first: the base of history and "as of" queries.
#[diesel::dsl::auto_type(type_case = "PascalCase")]
fn versions_of_tools(tool_ids: Vec<String>) -> _ {
    let on_link: diesel::dsl::Eq<assessment_tools::assessment_id, verdict_versions::assessment_id> =
        assessment_tools::assessment_id.eq(verdict_versions::assessment_id);
    verdict_versions::table
        .inner_join(assessments::table)
        .inner_join(assessment_tools::table.on(on_link))
        .filter(assessment_tools::tool_id.eq_any(tool_ids))
        .order((
            verdict_versions::published_at.desc(),
            verdict_versions::version.desc(),
        ))
}

/// Of those, the versions in force at `at`: published at or before then, of
/// an assessment not withdrawn by then. The first row per tool is its
/// verdict.
#[diesel::dsl::auto_type(no_type_alias)]
fn in_force_at(tool_ids: Vec<String>, at: NaiveDateTime) -> _ {
    let versions: VersionsOfTools = versions_of_tools(tool_ids);
    versions
        .filter(verdict_versions::published_at.le(at))
        .filter(
            assessments::withdrawn_at
                .is_null()
                .or(assessments::withdrawn_at.gt(at)),
        )
}

/// Every published version of every assessment covering the tool, newest
/// first; withdrawn ones included and marked.
pub fn history_for_tool(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Vec<HistoryEntry>> {
    versions_of_tools(vec![tool_id.to_string()])
        .select((
            VerdictRow::as_select(),
            (
                assessments::kind,
                assessments::title,
                assessments::withdrawn_at,
                assessments::withdrawn_by,
                assessments::withdrawn_reason,
            ),
        ))
        .load::<(VerdictRow, AssessmentCols)>(conn)?
        .into_iter()
        .map(history_entry)
        .collect()
}

/// The verdict in force for a tool at `at`: the newest version published at
/// or before then, of an assessment not withdrawn by then.
pub fn as_of(
    conn: &mut DbConnection,
    tool_id: Uuid,
    at: DateTime<Utc>,
) -> StoreResult<Option<VerdictVersion>> {
    in_force_at(vec![tool_id.to_string()], to_db(at))
        .select(VerdictRow::as_select())
        .first(conn)
        .optional()?
        .map(VerdictRow::into_domain)
        .transpose()
}

/// The verdicts in force now for several tools, in one query: for each
/// tool, the newest version of an assessment not withdrawn.
pub fn current_for_tools(
    conn: &mut DbConnection,
    tool_ids: &[Uuid],
) -> StoreResult<std::collections::HashMap<Uuid, VerdictVersion>> {
    let keys: Vec<String> = tool_ids.iter().map(Uuid::to_string).collect();
    let now = to_db(crate::time::now());
    let rows: Vec<(String, VerdictRow)> = in_force_at(keys, now)
        .select((assessment_tools::tool_id, VerdictRow::as_select()))
        .load(conn)?;
    let mut out = std::collections::HashMap::new();
    for (tool, row) in rows {
        let tool = crate::row::parse_uuid("assessment_tools.tool_id", &tool)?;
        // Rows come newest first: the first per tool is the one in force.
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(tool) {
            slot.insert(row.into_domain()?);
        }
    }
    Ok(out)
}

/// The verdict in force now.
pub fn current(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<Option<VerdictVersion>> {
    as_of(conn, tool_id, crate::time::now())
}
