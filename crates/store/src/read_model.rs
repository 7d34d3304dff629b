//! The tool read model: a tool with its vendor's name, the verdict in force
//! and how widely it is used, read for a whole page in four queries (not three per tool). The
//! API, the web catalogue and the search indexer all show tools this way.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::tables::{inventory, organisation, verdict_version};
use std::collections::HashMap;
use toolreg_core::tool::Tool;
use toolreg_core::verdict::VerdictVersion;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct ToolView {
    pub tool: Tool,
    pub vendor_name: String,
    /// None when no verdict is in force (never assessed, or withdrawn).
    pub current_verdict: Option<VerdictVersion>,
    /// How many municipalities (and counties) use the tool, only when at
    /// least `PUBLIC_USAGE_THRESHOLD` do: fewer could point at one.
    pub municipalities_using: Option<i64>,
}

/// Views of `tools`, in the given order.
pub fn tool_views(conn: &mut DbConnection, tools: Vec<Tool>) -> StoreResult<Vec<ToolView>> {
    let mut vendor_ids: Vec<Uuid> = tools.iter().map(|t| t.input.vendor_id).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    let vendors: HashMap<Uuid, String> = organisation::get_many(conn, &vendor_ids)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let ids: Vec<Uuid> = tools.iter().map(|t| t.id).collect();
    let mut current = verdict_version::current_for_tools(conn, &ids)?;
    let usage = inventory::usage_counts(conn, &ids)?;
    Ok(tools
        .into_iter()
        .map(|t| ToolView {
            // The foreign key guarantees the vendor row; a missing name
            // would be a bug, shown as empty rather than failing a page.
            vendor_name: vendors.get(&t.input.vendor_id).cloned().unwrap_or_default(),
            current_verdict: current.remove(&t.id),
            municipalities_using: usage
                .get(&t.id)
                .copied()
                .and_then(toolreg_core::inventory::public_usage),
            tool: t,
        })
        .collect())
}

/// The view of one tool.
pub fn tool_view(conn: &mut DbConnection, tool: Tool) -> StoreResult<ToolView> {
    Ok(tool_views(conn, vec![tool])?
        .pop()
        .expect("tool_views maps each tool to one view"))
}
