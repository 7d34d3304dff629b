//! Assessments: creation, the editable draft, publishing immutable verdict
//! versions, and withdrawal. Publishing and withdrawing append events to the
//! outbox in the same transaction.

use crate::connection::DbConnection;
use crate::error::{from_json, parse_enum, parse_uuid, to_json, StoreError, StoreResult};
use crate::event::{self, NewEvent};
use crate::schema::{assessment_tools, assessments, tools};
use crate::time::{from_db, to_db};
use crate::verdict_version;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;
use toolreg_core::assessment::{Assessment, AssessmentInput, AssessmentStatus, Withdrawal};
use toolreg_core::diff::diff_verdicts;
use toolreg_core::event::{EventType, Severity};
use toolreg_core::verdict::{VerdictDraft, VerdictLevel, VerdictVersion};
use toolreg_core::{Validate, Violations};
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

pub(crate) fn withdrawal_of(
    at: Option<NaiveDateTime>,
    by: Option<String>,
    reason: Option<String>,
) -> Option<Withdrawal> {
    at.map(|at| Withdrawal {
        at: from_db(at),
        by: by.unwrap_or_default(),
        reason: reason.unwrap_or_default(),
    })
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
            withdrawal: withdrawal_of(self.withdrawn_at, self.withdrawn_by, self.withdrawn_reason),
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

const WHAT: &str = "vurderingen";

pub fn create(
    conn: &mut DbConnection,
    id: Uuid,
    input: &AssessmentInput,
    now: DateTime<Utc>,
) -> StoreResult<Assessment> {
    input.validate()?;
    crate::write::write_transaction(conn, |conn| {
        if !crate::organisation::exists(conn, input.reviewer_org_id)? {
            return Err(StoreError::NotFound {
                what: "vurderende organisasjon",
            });
        }
        let wanted: Vec<String> = input.tool_ids.iter().map(Uuid::to_string).collect();
        let found: i64 = tools::table
            .filter(tools::id.eq_any(&wanted))
            .count()
            .get_result(conn)?;
        if found != wanted.len() as i64 {
            return Err(StoreError::NotFound {
                what: "ett eller flere av verktøyene",
            });
        }
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
        for tool in &wanted {
            diesel::insert_into(assessment_tools::table)
                .values((
                    assessment_tools::assessment_id.eq(id.to_string()),
                    assessment_tools::tool_id.eq(tool),
                ))
                .execute(conn)?;
        }
        row.into_domain(input.tool_ids.clone())
    })
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
        .ok_or(StoreError::NotFound { what: WHAT })?;
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

fn check_precondition(
    current: &Assessment,
    expected_draft_revision: Option<i64>,
) -> StoreResult<()> {
    if current.withdrawal.is_some() {
        return Err(StoreError::Conflict(
            "vurderingen er trukket tilbake og kan ikke endres".into(),
        ));
    }
    if expected_draft_revision.is_some_and(|r| r != current.draft_revision) {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Draft references to subprocessor revisions must name the assessment's
/// own tools and revisions that exist.
fn check_reviewed_revisions(
    conn: &mut DbConnection,
    a: &Assessment,
    draft: &VerdictDraft,
) -> StoreResult<()> {
    let mut v = Violations::new();
    for (i, r) in draft.content.subprocessor_revisions.iter().enumerate() {
        let at = format!("/subprocessor_revisions/{i}");
        if !a.tool_ids.contains(&r.tool_id) {
            v.push(
                format!("{at}/tool_id"),
                "verktøyet er ikke med i denne vurderingen",
            );
        } else if crate::subprocessor_revision::get(conn, r.tool_id, r.revision).is_err() {
            v.push(
                format!("{at}/revision"),
                format!("revisjon {} finnes ikke for verktøyet", r.revision),
            );
        }
    }
    v.into_result().map_err(StoreError::Invalid)
}

pub fn replace_draft(
    conn: &mut DbConnection,
    id: Uuid,
    draft: &VerdictDraft,
    updated_by: &str,
    expected_draft_revision: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<Assessment> {
    draft.validate()?;
    crate::write::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        check_precondition(&current, expected_draft_revision)?;
        check_reviewed_revisions(conn, &current, draft)?;
        let changed = diesel::update(unchanged_since(id, current.draft_revision))
            .set((
                assessments::draft.eq(Some(to_json(draft))),
                assessments::draft_revision.eq(current.draft_revision + 1),
                assessments::draft_updated_by.eq(Some(updated_by)),
                assessments::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        get(conn, id)
    })
}

fn tool_subjects(conn: &mut DbConnection, tool_ids: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
    let ids: Vec<String> = tool_ids.iter().map(Uuid::to_string).collect();
    tools::table
        .filter(tools::id.eq_any(&ids))
        .select((tools::id, tools::slug))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, slug)| Ok((parse_uuid("tools.id", &id)?, slug)))
        .collect()
}

fn announce(
    conn: &mut DbConnection,
    a: &Assessment,
    event_type: EventType,
    severity: Severity,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for (tool_id, slug) in tool_subjects(conn, &a.tool_ids)? {
        let mut data = data.clone();
        data["tool_id"] = json!(tool_id);
        data["tool_slug"] = json!(slug);
        event::append(
            conn,
            &NewEvent {
                event_type,
                severity,
                subject: format!("tools/{slug}"),
                data,
            },
            now,
        )?;
    }
    Ok(())
}

/// Publish the draft as the next immutable version. Refused when the draft
/// is identical to the latest published version.
pub fn publish(
    conn: &mut DbConnection,
    id: Uuid,
    version_id: Uuid,
    published_by: &str,
    expected_draft_revision: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<VerdictVersion> {
    crate::write::write_transaction(conn, |conn| {
        let a = get(conn, id)?;
        check_precondition(&a, expected_draft_revision)?;
        crate::write::lock_tools(conn, &a.tool_ids)?;
        // Publishing moves the draft revision on, so the ETag a publisher
        // sent names one content and one publication: a second publish with
        // the same If-Match is stale, and on PostgreSQL the second of two
        // concurrent publishes matches no row here once the first commits.
        let claimed = diesel::update(unchanged_since(id, a.draft_revision))
            .set(assessments::draft_revision.eq(a.draft_revision + 1))
            .execute(conn)?;
        if claimed == 0 {
            return Err(StoreError::Stale);
        }
        let draft = a.draft.clone().ok_or_else(|| {
            StoreError::Conflict("vurderingen har ikke noe utkast å publisere".into())
        })?;
        draft.validate()?;
        let previous = verdict_version::latest_of_assessment(conn, id)?;
        let sha = draft.content.sha256();
        if previous.as_ref().is_some_and(|p| p.content_sha256 == sha) {
            return Err(StoreError::Conflict(
                "utkastet er likt siste publiserte versjon; endre det før ny publisering".into(),
            ));
        }
        let version = VerdictVersion {
            id: version_id,
            assessment_id: id,
            version: previous.as_ref().map_or(1, |p| p.version + 1),
            content: draft.content.clone(),
            change_note: draft.change_note.clone(),
            published_at: now,
            published_by: published_by.to_string(),
            content_sha256: sha,
        };
        verdict_version::insert(conn, &version)?;
        diesel::update(assessments::table.find(id.to_string()))
            .set((
                assessments::status.eq(AssessmentStatus::Published.as_str()),
                assessments::latest_version.eq(Some(version.version)),
                assessments::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        let (severity, diff) = match &previous {
            Some(p) => {
                let d = diff_verdicts(&p.content, &version.content);
                (d.severity(), Some(d))
            }
            None if version.content.level == VerdictLevel::NotRecommended => {
                (Severity::Warning, None)
            }
            None => (Severity::Info, None),
        };
        let data = json!({
            "assessment_id": id,
            "version": version.version,
            "level": version.content.level,
            "previous_version": previous.as_ref().map(|p| p.version),
            "change_note": version.change_note,
            "diff": diff,
        });
        announce(conn, &a, EventType::VerdictPublished, severity, data, now)?;
        for tool in &a.tool_ids {
            crate::tool_current::refresh(conn, *tool)?;
        }
        crate::generation::bump(conn)?;
        Ok(version)
    })
}

pub fn withdraw(
    conn: &mut DbConnection,
    id: Uuid,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> StoreResult<Assessment> {
    let mut v = Violations::new();
    v.require_text("/reason", reason, 2000);
    v.into_result()?;
    crate::write::write_transaction(conn, |conn| {
        let a = get(conn, id)?;
        check_precondition(&a, None)?;
        crate::write::lock_tools(conn, &a.tool_ids)?;
        let changed = diesel::update(
            assessments::table
                .filter(assessments::id.eq(id.to_string()))
                .filter(assessments::withdrawn_at.is_null()),
        )
        .set((
            assessments::status.eq(AssessmentStatus::Withdrawn.as_str()),
            assessments::withdrawn_at.eq(Some(to_db(now))),
            assessments::withdrawn_by.eq(Some(by)),
            assessments::withdrawn_reason.eq(Some(reason.trim())),
            assessments::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::Conflict(
                "vurderingen er allerede trukket tilbake".into(),
            ));
        }
        if a.latest_version.is_some() {
            let data = json!({ "assessment_id": id, "reason": reason.trim(), "last_version": a.latest_version });
            announce(
                conn,
                &a,
                EventType::VerdictWithdrawn,
                Severity::Critical,
                data,
                now,
            )?;
        }
        for tool in &a.tool_ids {
            crate::tool_current::refresh(conn, *tool)?;
        }
        crate::generation::bump(conn)?;
        get(conn, id)
    })
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
