//! Bulk loading of already-validated domain objects with multi-row inserts,
//! in one transaction: what the seed loader and the load benchmark use.
//! It writes no events: loading a data set is not news for subscribers.

use crate::assessment::AssessmentRow;
use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::organisation::OrganisationRow;
use crate::schema::{
    assessment_tools, assessments, organisations, subprocessor_revisions, tool_facets,
    tool_revisions, tools, verdict_versions,
};
use crate::subprocessor_revision::RevisionRow;
use crate::tool::{facets_of, FacetRow, ToolRow};
use crate::tool_current::Current;
use crate::tool_revision::ToolRevisionRow;
use crate::verdict_version::VerdictRow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};
use toolreg_core::assessment::Assessment;
use toolreg_core::organisation::OrganisationInput;
use toolreg_core::subprocessor::summarise;
use toolreg_core::subprocessor::SubprocessorRevision;
use toolreg_core::tool::ToolInput;
use toolreg_core::verdict::VerdictVersion;
use uuid::Uuid;

/// Rows per INSERT statement: below SQLite's 32,766 bound parameters for the
/// widest table (13 columns) and PostgreSQL's 65,535.
pub(crate) const CHUNK: usize = 500;

#[derive(Debug, Default, Clone)]
pub struct BulkSet {
    pub organisations: Vec<(Uuid, OrganisationInput)>,
    pub tools: Vec<(Uuid, ToolInput)>,
    pub subprocessor_revisions: Vec<SubprocessorRevision>,
    pub assessments: Vec<Assessment>,
    pub verdicts: Vec<VerdictVersion>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BulkCounts {
    pub organisations: usize,
    pub tools: usize,
    pub subprocessor_revisions: usize,
    pub assessments: usize,
    pub verdicts: usize,
    /// Every row written, facets and link rows included.
    pub rows: usize,
}

struct Derived {
    rows: Vec<FacetRow>,
    /// Tools touched by the set that the set does not create: their facets
    /// depend on rows already in the database, so they are recomputed there.
    elsewhere: Vec<Uuid>,
}

/// The derived facets of the tools the set creates, computed from the set.
fn derived_facets(set: &BulkSet, now: DateTime<Utc>) -> Derived {
    let new_tools: HashSet<Uuid> = set.tools.iter().map(|(id, _)| *id).collect();
    let mut current: HashMap<Uuid, Current> = HashMap::new();
    let mut latest_revision: HashMap<Uuid, i32> = HashMap::new();
    let mut elsewhere: HashSet<Uuid> = HashSet::new();
    for r in &set.subprocessor_revisions {
        if !new_tools.contains(&r.tool_id) {
            elsewhere.insert(r.tool_id);
            continue;
        }
        if latest_revision
            .get(&r.tool_id)
            .is_none_or(|n| r.revision > *n)
        {
            latest_revision.insert(r.tool_id, r.revision);
            current.entry(r.tool_id).or_default().third_country =
                Some(!summarise(&r.entries).third_countries.is_empty());
        }
    }
    let assessments: HashMap<Uuid, &Assessment> =
        set.assessments.iter().map(|a| (a.id, a)).collect();
    let mut in_force: HashMap<Uuid, (DateTime<Utc>, i32, String)> = HashMap::new();
    for v in &set.verdicts {
        let Some(a) = assessments.get(&v.assessment_id) else {
            continue;
        };
        if v.published_at > now || a.withdrawal.as_ref().is_some_and(|w| w.at <= now) {
            continue;
        }
        for tool in &a.tool_ids {
            if !new_tools.contains(tool) {
                elsewhere.insert(*tool);
                continue;
            }
            let key = (v.published_at, v.version);
            if in_force.get(tool).is_none_or(|(at, n, _)| key > (*at, *n)) {
                in_force.insert(
                    *tool,
                    (
                        v.published_at,
                        v.version,
                        v.content.level.as_str().to_string(),
                    ),
                );
            }
        }
    }
    for (tool, (_, _, level)) in in_force {
        current.entry(tool).or_default().verdict_level = Some(level);
    }
    let rows = current
        .iter()
        .flat_map(|(tool, c)| c.rows(*tool))
        .map(|(tool_id, facet, value)| FacetRow::new(tool_id, facet, value))
        .collect();
    Derived {
        rows,
        elsewhere: elsewhere.into_iter().collect(),
    }
}

/// The audit actor of bulk loads (`toolreg seed`, the load benchmark).
pub const LOADER: &str = "toolreg-load";

/// Insert everything in `set` in one transaction; all or nothing.
pub fn insert_all(
    conn: &mut DbConnection,
    set: &BulkSet,
    now: DateTime<Utc>,
) -> StoreResult<BulkCounts> {
    crate::write::write_transaction(conn, |conn| {
        let mut counts = BulkCounts::default();
        let orgs: Vec<OrganisationRow> = set
            .organisations
            .iter()
            .map(|(id, o)| OrganisationRow::new(*id, o, now, now, 1))
            .collect();
        counts.organisations = insert_chunks!(conn, organisations::table, orgs);

        let tool_rows: Vec<ToolRow> = set
            .tools
            .iter()
            .map(|(id, t)| ToolRow::new(*id, t, now, now, 1))
            .collect();
        counts.tools = insert_chunks!(conn, tools::table, tool_rows);
        let facets: Vec<_> = set
            .tools
            .iter()
            .flat_map(|(id, t)| facets_of(*id, t))
            .collect();
        let facet_count = insert_chunks!(conn, tool_facets::table, facets);
        let histories: Vec<ToolRevisionRow> = set
            .tools
            .iter()
            .map(|(id, t)| ToolRevisionRow::new(*id, 1, t, None, "import", now))
            .collect();
        insert_chunks!(conn, tool_revisions::table, histories);

        let revisions: Vec<RevisionRow> = set
            .subprocessor_revisions
            .iter()
            .map(|r| {
                let input = toolreg_core::subprocessor::SubprocessorRevisionInput {
                    note: r.note.clone(),
                    source_url: r.source_url.clone(),
                    entries: r.entries.clone(),
                };
                RevisionRow::new(
                    r.id,
                    r.tool_id,
                    r.revision,
                    &input,
                    &r.created_by,
                    r.created_at,
                )
            })
            .collect();
        counts.subprocessor_revisions =
            insert_chunks!(conn, subprocessor_revisions::table, revisions);

        let assessment_rows: Vec<AssessmentRow> = set
            .assessments
            .iter()
            .map(AssessmentRow::from_domain)
            .collect();
        counts.assessments = insert_chunks!(conn, assessments::table, assessment_rows);
        let links: Vec<_> = set
            .assessments
            .iter()
            .flat_map(|a| {
                a.tool_ids.iter().map(move |t| {
                    (
                        assessment_tools::assessment_id.eq(a.id.to_string()),
                        assessment_tools::tool_id.eq(t.to_string()),
                    )
                })
            })
            .collect();
        let link_count = insert_chunks!(conn, assessment_tools::table, links);

        let verdict_rows: Vec<VerdictRow> =
            set.verdicts.iter().map(VerdictRow::from_domain).collect();
        counts.verdicts = insert_chunks!(conn, verdict_versions::table, verdict_rows);
        // Each loaded version gets its publication entry, as one published
        // through the API does, so `audit verify` holds every version to it.
        let targets: Vec<String> = set
            .verdicts
            .iter()
            .map(|v| toolreg_core::audit::publication_target(v.assessment_id, v.version))
            .collect();
        let changes: Vec<(&str, &str, String)> = set
            .verdicts
            .iter()
            .zip(&targets)
            .map(|(v, target)| {
                (
                    toolreg_core::audit::PUBLISH_ACTION,
                    target.as_str(),
                    toolreg_core::audit::state_hash(v),
                )
            })
            .collect();
        let loader = crate::audit::Actor {
            sub: LOADER.to_string(),
            org: None,
            request_id: None,
        };
        crate::audit::append_many(conn, &loader, &changes, now)?;

        let derived = derived_facets(set, now);
        let derived_count = insert_chunks!(conn, tool_facets::table, derived.rows);
        for tool in derived.elsewhere {
            crate::tool_current::refresh(conn, tool)?;
        }
        crate::generation::bump(conn)?;

        counts.rows = derived_count
            + counts.organisations
            + counts.tools
            + facet_count
            + counts.subprocessor_revisions
            + counts.assessments
            + link_count
            + counts.verdicts;
        Ok(counts)
    })
}
