//! The facts behind a vendor's obligations, gathered per tool for
//! `toolreg_core::vendor_status` to judge.

use crate::error::StoreResult;
use crate::tables::{document, organisation, requirement_answer, subprocessor_revision, tool};
use crate::DbConnection;
use chrono::{DateTime, Utc};
use toolreg_core::document::Visibility;
use toolreg_core::requirement::{AnswerSet, Catalogue};
use toolreg_core::vendor_status::{obligations, ToolFacts, ToolObligations, VendorStatus};
use uuid::Uuid;

/// What the registry still lacks from `vendor_id`, per tool, as of `now`,
/// judged against `catalogue`.
pub fn of(
    conn: &mut DbConnection,
    vendor_id: Uuid,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> StoreResult<VendorStatus> {
    // 404 for an unknown organisation, before anything else.
    organisation::get(conn, vendor_id)?;
    let tools = tool::of_vendor(conn, vendor_id)?;
    let ids: Vec<Uuid> = tools.iter().map(|t| t.id).collect();
    let documents = document::list_for_owner(conn, vendor_id, Visibility::Reviewers)?;
    let lists = subprocessor_revision::latest_for_tools(conn, &ids)?;
    let mut out = Vec::with_capacity(tools.len());
    for t in tools {
        let answers = AnswerSet::new(
            t.id,
            catalogue,
            requirement_answer::list(conn, t.id, catalogue.version)?,
        );
        let facts = ToolFacts {
            tool_id: t.id,
            documents: documents
                .iter()
                .filter(|d| d.input.tool_id.is_none_or(|about| about == t.id))
                .collect(),
            answers: &answers,
            subprocessor_list: lists.get(&t.id).map(|r| (r.revision, r.created_at)),
        };
        out.push(ToolObligations {
            missing: obligations(&facts, now),
            tool_id: t.id,
            slug: t.input.slug,
            name: t.input.name,
        });
    }
    Ok(VendorStatus {
        vendor_id,
        checked_at: now,
        tools: out,
    })
}
