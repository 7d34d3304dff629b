//! Loading a resolved seed set: skip what already exists, bulk-insert the rest.

use super::format::SeedSet;
use super::resolve::{resolve, SeedError};
use crate::connection::DbConnection;
use crate::ops::bulk::{insert_all, BulkCounts, BulkSet};
use crate::schema::{assessments, organisations, subprocessor_revisions, tools};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: BulkCounts,
    /// Objects in the seed that were already there and left alone.
    pub skipped: usize,
    /// Municipalities' inventory entries added.
    pub inventory_entries: usize,
}

/// Ids among `wanted` that already exist in `column`.
fn existing_ids<F>(wanted: Vec<String>, mut query: F) -> Result<HashSet<String>, SeedError>
where
    F: FnMut(&[String]) -> QueryResult<Vec<String>>,
{
    let mut found = HashSet::new();
    for chunk in wanted.chunks(500) {
        found.extend(query(chunk)?);
    }
    Ok(found)
}

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        SeedError::Store(e.into())
    }
}

/// Load sample data. Everything new goes in one transaction.
pub fn load(
    conn: &mut DbConnection,
    seed: &SeedSet,
    now: DateTime<Utc>,
) -> Result<SeedReport, SeedError> {
    let resolved = resolve(seed)?;
    let all = resolved.set;
    let report = crate::write::write_transaction(conn, |conn| {
        let org_ids = existing_ids(
            all.organisations
                .iter()
                .map(|(id, _)| id.to_string())
                .collect(),
            |c| {
                organisations::table
                    .filter(organisations::id.eq_any(c))
                    .select(organisations::id)
                    .load(conn)
            },
        )?;
        let numbers: Vec<String> = resolved.org_numbers.values().cloned().collect();
        let taken_numbers: HashSet<String> = existing_ids(numbers, |c| {
            organisations::table
                .filter(organisations::org_number.eq_any(c))
                .select(organisations::org_number.assume_not_null())
                .load(conn)
        })?;
        // The same number under another id was created by hand; tools and
        // assessments in the seed would point at the wrong row, so stop.
        if let Some((_, n)) = resolved
            .org_numbers
            .iter()
            .find(|(id, n)| taken_numbers.contains(*n) && !org_ids.contains(&id.to_string()))
        {
            return Err(SeedError::Store(crate::error::StoreError::Conflict(
                crate::error::ConflictKind::SeedOrgNumberTaken {
                    org_number: n.to_string(),
                },
            )));
        }
        let tool_ids = existing_ids(
            all.tools.iter().map(|(id, _)| id.to_string()).collect(),
            |c| {
                tools::table
                    .filter(tools::id.eq_any(c))
                    .select(tools::id)
                    .load(conn)
            },
        )?;
        let revision_ids = existing_ids(
            all.subprocessor_revisions
                .iter()
                .map(|r| r.id.to_string())
                .collect(),
            |c| {
                subprocessor_revisions::table
                    .filter(subprocessor_revisions::id.eq_any(c))
                    .select(subprocessor_revisions::id)
                    .load(conn)
            },
        )?;
        let assessment_ids = existing_ids(
            all.assessments.iter().map(|a| a.id.to_string()).collect(),
            |c| {
                assessments::table
                    .filter(assessments::id.eq_any(c))
                    .select(assessments::id)
                    .load(conn)
            },
        )?;

        let mut skipped = 0;
        let mut keep = |present: bool| {
            skipped += usize::from(present);
            !present
        };
        let fresh = BulkSet {
            organisations: all
                .organisations
                .iter()
                .filter(|(id, _)| keep(org_ids.contains(&id.to_string())))
                .cloned()
                .collect(),
            tools: all
                .tools
                .iter()
                .filter(|(id, _)| keep(tool_ids.contains(&id.to_string())))
                .cloned()
                .collect(),
            subprocessor_revisions: all
                .subprocessor_revisions
                .iter()
                .filter(|r| keep(revision_ids.contains(&r.id.to_string())))
                .cloned()
                .collect(),
            // An assessment is seeded whole, with its versions, or not at all.
            assessments: all
                .assessments
                .iter()
                .filter(|a| keep(assessment_ids.contains(&a.id.to_string())))
                .cloned()
                .collect(),
            verdicts: all
                .verdicts
                .iter()
                .filter(|v| !assessment_ids.contains(&v.assessment_id.to_string()))
                .cloned()
                .collect(),
        };
        let inserted = insert_all(conn, &fresh, now)?;
        let inventory_entries = super::inventory::load(conn, &seed.inventories, now)?;
        Ok(SeedReport {
            inserted,
            skipped,
            inventory_entries,
        })
    })?;
    if report.inserted != BulkCounts::default() || report.inventory_entries > 0 {
        crate::ops::bulk::refresh_statistics(conn)?;
    }
    Ok(report)
}
