//! The derived facets of a tool — level of the verdict in force, and
//! whether its latest subprocessor revision transfers to a third country —
//! recomputed from the verdicts and revisions. `ops::change::commit` calls
//! this for every tool a change names, so they never go stale.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::tables::tool_facet::{self, DerivedFacets};
use crate::tables::{subprocessor_revision, verdict_version};
use uuid::Uuid;

/// What the derived facets of a tool should be now.
pub fn compute(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<DerivedFacets> {
    Ok(DerivedFacets {
        verdict_level: verdict_version::current(conn, tool_id)?
            .map(|v| v.content.level.as_str().to_string()),
        third_country: subprocessor_revision::latest_transfers_to_third_country(conn, tool_id)?,
    })
}

/// Recompute and store a tool's derived facets.
pub fn refresh(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<()> {
    let derived = compute(conn, tool_id)?;
    tool_facet::replace_derived(conn, tool_id, &derived)
}
