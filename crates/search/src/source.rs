//! Search documents read from the store: the tools as they are now, with
//! vendor, verdict in force and latest subprocessor revision, a page at a
//! time (four queries per page, not per tool).

use crate::document::SearchDocument;
use std::collections::HashSet;
use toolreg_store::error::StoreResult;
use toolreg_store::page::PageRequest;
use toolreg_store::read_model::{self, ToolView};
use toolreg_store::tables::tool::ToolFilter;
use toolreg_store::tables::{subprocessor_revision, tool};
use toolreg_store::DbConnection;
use uuid::Uuid;

/// Tools read per page when reading them all.
const PAGE: u32 = PageRequest::MAX_LIMIT;

fn documents(conn: &mut DbConnection, views: Vec<ToolView>) -> StoreResult<Vec<SearchDocument>> {
    let ids: Vec<Uuid> = views.iter().map(|v| v.tool.id).collect();
    let mut revisions = subprocessor_revision::latest_for_tools(conn, &ids)?;
    Ok(views
        .into_iter()
        .map(|view| {
            let revision = revisions.remove(&view.tool.id);
            SearchDocument::from_view(&view, revision.as_ref())
        })
        .collect())
}

/// The documents of these tools now, and the ids of those that no longer
/// exist (to delete from the index).
pub fn documents_for(
    conn: &mut DbConnection,
    ids: &[Uuid],
) -> StoreResult<(Vec<SearchDocument>, Vec<Uuid>)> {
    let views = read_model::by_ids(conn, ids)?;
    let found: HashSet<Uuid> = views.iter().map(|v| v.tool.id).collect();
    let gone = ids
        .iter()
        .filter(|id| !found.contains(id))
        .copied()
        .collect();
    Ok((documents(conn, views)?, gone))
}

/// Every tool's document, by name; `progress` hears the count so far and
/// the total after each page.
pub fn all_documents(
    conn: &mut DbConnection,
    mut progress: impl FnMut(u64, u64),
) -> StoreResult<Vec<SearchDocument>> {
    let total = u64::try_from(tool::count(conn)?).unwrap_or_default();
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or_default());
    let mut page = PageRequest::first(PAGE);
    loop {
        let fetched = read_model::list(conn, &ToolFilter::default(), &page)?;
        out.extend(documents(conn, fetched.items)?);
        progress(out.len() as u64, total.max(out.len() as u64));
        match fetched.next {
            Some(next) => page.after = Some(next),
            None => return Ok(out),
        }
    }
}
