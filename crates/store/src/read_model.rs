//! The tool read model: a tool with its vendor's name, the verdict in force
//! and how widely it is used. The API, the web catalogue and the search
//! indexer all show tools this way, and all read them through here: one
//! statement for a tool or a set of ids, whatever their number (the vendor
//! joined, the verdict in force and the usage count as correlated
//! subqueries the planner answers from indexes), and two for a page (its
//! ids, then their views). A tool's statement has the same text every
//! time, so both backends keep it prepared.

use crate::connection::{DbConnection, MultiBackend};
use crate::error::{Entity, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::schema::{
    assessment_tools, assessments, inventory_entries, organisations, tool_facets, tools,
    verdict_versions,
};
use crate::tables::facet;
use crate::tables::tool::{ToolFilter, ToolRow};
use crate::tables::verdict_version::VerdictRow;
use crate::time::to_db;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::query_dsl::LoadQuery;
use toolreg_core::inventory::UsageStatus;
use toolreg_core::tool::Tool;
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
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

// The versions searched for the one in force, apart from the version the
// outer query joins.
diesel::alias!(verdict_versions as candidate: Candidate);
// A tool's other facets, checked for each entry of the facet a page is
// read from.
diesel::alias!(tool_facets as other_facet: OtherFacet);

/// Tools joined with their vendor, the verdict in force at `at` and the
/// usage count, as a select statement each caller narrows. A macro rather
/// than a function: the statement's type cannot be named, and each use
/// keeps its own (static, so prepared once) type.
macro_rules! viewed_tools {
    ($at:expr) => {{
        let at: NaiveDateTime = $at;
        // The newest version published by `at` of an assessment covering
        // the tool and not withdrawn by then.
        let in_force_id = candidate
            .inner_join(
                assessments::table
                    .on(assessments::id.eq(candidate.field(verdict_versions::assessment_id))),
            )
            .inner_join(
                assessment_tools::table.on(assessment_tools::assessment_id
                    .eq(candidate.field(verdict_versions::assessment_id))),
            )
            .filter(assessment_tools::tool_id.eq(tools::id))
            .filter(candidate.field(verdict_versions::published_at).le(at))
            .filter(
                assessments::withdrawn_at
                    .is_null()
                    .or(assessments::withdrawn_at.gt(at)),
            )
            .order((
                candidate.field(verdict_versions::published_at).desc(),
                candidate.field(verdict_versions::version).desc(),
            ))
            .select(candidate.field(verdict_versions::id))
            .single_value();
        // Organisations that have the tool in use (not stopped).
        let using = inventory_entries::table
            .filter(inventory_entries::tool_id.eq(tools::id.nullable()))
            .filter(inventory_entries::usage_status.ne(UsageStatus::Stopped.as_str()))
            .select(diesel::dsl::count_star())
            .single_value();
        tools::table
            .inner_join(organisations::table)
            .left_join(verdict_versions::table.on(verdict_versions::id.nullable().eq(in_force_id)))
            .select((
                ToolRow::as_select(),
                organisations::name,
                Option::<VerdictRow>::as_select(),
                using,
            ))
    }};
}

type ViewRow = (ToolRow, String, Option<VerdictRow>, Option<i64>);

fn into_view(row: ViewRow) -> StoreResult<ToolView> {
    let (tool, vendor_name, verdict, using) = row;
    Ok(ToolView {
        tool: tool.into_domain()?,
        vendor_name,
        current_verdict: verdict.map(VerdictRow::into_domain).transpose()?,
        municipalities_using: using.and_then(toolreg_core::inventory::public_usage),
    })
}

fn now() -> NaiveDateTime {
    to_db(crate::time::now())
}

/// One tool by id or slug, or `NotFound`.
pub fn by_key(conn: &mut DbConnection, key: &str) -> StoreResult<ToolView> {
    let row: Option<ViewRow> = match Uuid::parse_str(key) {
        Ok(id) => viewed_tools!(now())
            .filter(tools::id.eq(id.to_string()))
            .first(conn)
            .optional()?,
        Err(_) => return by_slug(conn, key),
    };
    into_view(row.ok_or(StoreError::NotFound(Entity::Tool))?)
}

/// One tool by slug alone (the web catalogue's addresses), or `NotFound`.
pub fn by_slug(conn: &mut DbConnection, slug: &str) -> StoreResult<ToolView> {
    let row: Option<ViewRow> = viewed_tools!(now())
        .filter(tools::slug.eq(slug))
        .first(conn)
        .optional()?;
    into_view(row.ok_or(StoreError::NotFound(Entity::Tool))?)
}

/// The view of a tool already read (after a write, say).
pub fn tool_view(conn: &mut DbConnection, tool: &Tool) -> StoreResult<ToolView> {
    by_key(conn, &tool.id.to_string())
}

/// Views of these tools in the order of `ids`; ids without a tool are
/// left out.
pub fn by_ids(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<Vec<ToolView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let mut views = viewed_tools!(now())
        .filter(tools::id.eq_any(keys))
        .load::<ViewRow>(conn)?
        .into_iter()
        .map(into_view)
        .collect::<StoreResult<Vec<_>>>()?;
    let position: std::collections::HashMap<&Uuid, usize> =
        ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    views.sort_by_key(|v| position.get(&v.tool.id).copied());
    Ok(views)
}

/// Every tool of one vendor, by name.
pub fn of_vendor(conn: &mut DbConnection, vendor_id: Uuid) -> StoreResult<Vec<ToolView>> {
    viewed_tools!(now())
        .filter(tools::vendor_id.eq(vendor_id.to_string()))
        .order((tools::name.asc(), tools::id.asc()))
        .load::<ViewRow>(conn)?
        .into_iter()
        .map(into_view)
        .collect()
}

/// Tools matching `filter`, ordered by name then id, a page at a time
/// (keyset: the page starts after the last row's name and id).
pub fn list(
    conn: &mut DbConnection,
    filter: &ToolFilter,
    page: &PageRequest,
) -> StoreResult<Page<ToolView>> {
    let ids = page_ids(conn, filter, page)?
        .iter()
        .map(|id| crate::row::parse_uuid("tools.id", id))
        .collect::<StoreResult<Vec<_>>>()?;
    let views = by_ids(conn, &ids)?;
    Ok(Page::from_fetched(views, page.limit, |v| {
        (v.tool.input.name.clone(), v.tool.id.to_string())
    }))
}

/// `$run` with `$q` bound to the statement that picks a page: read from
/// a facet's index when a facet filters the page, else in name order.
macro_rules! with_page_statement {
    ($filter:expr, $page:expr, |$q:ident| $run:expr) => {{
        let facets = facet_conditions($filter);
        match facets.split_first() {
            Some((first, rest)) => {
                let $q = by_facet(first, rest, $filter, $page);
                $run
            }
            None => {
                let $q = by_name($filter, $page);
                $run
            }
        }
    }};
}

/// The ids of a page of tools, in name order. `list` then reads the
/// views of just those ids: joined in one statement, PostgreSQL computed
/// the verdict in force of every matching tool before keeping 50 (3,193
/// look-ups, 117 ms for one filtered page of 50,000 tools).
fn page_ids(
    conn: &mut DbConnection,
    filter: &ToolFilter,
    page: &PageRequest,
) -> StoreResult<Vec<String>> {
    Ok(with_page_statement!(filter, page, |q| q.load(conn)?))
}

/// A page when a facet filters it: read in name order straight from the
/// first facet's index (facet, value, tool name, tool id), each entry
/// checked against the other filters by key, until the page is full. A
/// page of 50 reads about 50 entries divided by the share that passes the
/// other filters, however many tools match in all.
fn by_facet(
    (facet_name, value): &(&'static str, String),
    rest: &[(&'static str, String)],
    filter: &ToolFilter,
    page: &PageRequest,
) -> impl LoadQuery<'static, DbConnection, String> + QueryFragment<MultiBackend> {
    let mut q = tool_facets::table
        .filter(tool_facets::facet.eq(*facet_name))
        .filter(tool_facets::value.eq(value.clone()))
        .select(tool_facets::tool_id)
        .into_boxed();
    for (other_name, other_value) in rest {
        let also = other_facet
            .filter(
                other_facet
                    .field(tool_facets::tool_id)
                    .eq(tool_facets::tool_id),
            )
            .filter(other_facet.field(tool_facets::facet).eq(*other_name))
            .filter(
                other_facet
                    .field(tool_facets::value)
                    .eq(other_value.clone()),
            );
        q = q.filter(diesel::dsl::exists(also));
    }
    if let Some(v) = filter.vendor_id {
        let of_vendor = tools::table
            .filter(tools::id.eq(tool_facets::tool_id))
            .filter(tools::vendor_id.eq(v.to_string()));
        q = q.filter(diesel::dsl::exists(of_vendor));
    }
    if let Some(p) = filter.processes_personal_data {
        let processing = tools::table
            .filter(tools::id.eq(tool_facets::tool_id))
            .filter(tools::processes_personal_data.eq(p.as_str()));
        q = q.filter(diesel::dsl::exists(processing));
    }
    if filter.verdict_level == Some(VerdictLevel::NotAssessed) {
        let assessed = other_facet
            .filter(
                other_facet
                    .field(tool_facets::tool_id)
                    .eq(tool_facets::tool_id),
            )
            .filter(
                other_facet
                    .field(tool_facets::facet)
                    .eq(facet::VERDICT_LEVEL),
            )
            .filter(
                other_facet
                    .field(tool_facets::value)
                    .ne(VerdictLevel::NotAssessed.as_str()),
            );
        q = q.filter(diesel::dsl::not(diesel::dsl::exists(assessed)));
    }
    if let Some((name, id)) = page.after() {
        q = q
            .filter(tool_facets::tool_name.ge(name.to_string()))
            .filter(
                tool_facets::tool_name
                    .gt(name.to_string())
                    .or(tool_facets::tool_id.gt(id.to_string())),
            );
    }
    q.order((tool_facets::tool_name.asc(), tool_facets::tool_id.asc()))
        .limit(page.fetch_limit())
}

/// A page no facet filters: the tools in name order from the (name, id)
/// index, or a vendor's few tools.
fn by_name(
    filter: &ToolFilter,
    page: &PageRequest,
) -> impl LoadQuery<'static, DbConnection, String> + QueryFragment<MultiBackend> {
    let mut q = tools::table.select(tools::id).into_boxed();
    if let Some(v) = filter.vendor_id {
        q = q.filter(tools::vendor_id.eq(v.to_string()));
    }
    if let Some(p) = filter.processes_personal_data {
        q = q.filter(tools::processes_personal_data.eq(p.as_str()));
    }
    if filter.verdict_level == Some(VerdictLevel::NotAssessed) {
        // No verdict in force is "not assessed" as much as a verdict that
        // says so: the tools without an assessed level. NOT EXISTS, not
        // NOT IN: PostgreSQL cannot turn NOT IN into an anti-join (a NULL
        // would change its meaning), and read the whole facet table for
        // every tool instead of probing its key.
        let assessed = tool_facets::table
            .filter(tool_facets::tool_id.eq(tools::id))
            .filter(tool_facets::facet.eq(facet::VERDICT_LEVEL))
            .filter(tool_facets::value.ne(VerdictLevel::NotAssessed.as_str()));
        q = q.filter(diesel::dsl::not(diesel::dsl::exists(assessed)));
    }
    if let Some((name, id)) = page.after() {
        // `name >= x` first: a bound the (name, id) index can seek to. The
        // OR alone is no index range, and PostgreSQL read the whole table
        // for a filtered page after the first.
        q = q.filter(tools::name.ge(name.to_string())).filter(
            tools::name
                .gt(name.to_string())
                .or(tools::id.gt(id.to_string())),
        );
    }
    q.order((tools::name.asc(), tools::id.asc()))
        .limit(page.fetch_limit())
}

/// The plan PostgreSQL makes for the statement that picks a page of `list`
/// (EXPLAIN, one line per row), for tests that hold it to its indexes.
#[cfg(feature = "test-support")]
pub fn explain_list(
    conn: &mut DbConnection,
    filter: &ToolFilter,
    page: &PageRequest,
) -> StoreResult<Vec<String>> {
    use crate::explain::Explain;
    Ok(with_page_statement!(filter, page, |q| Explain(q).load(conn)?))
}

/// The facet filters that are set, as (facet, value).
fn facet_conditions(filter: &ToolFilter) -> Vec<(&'static str, String)> {
    [
        (facet::CATEGORY, filter.category.clone()),
        (
            facet::AGE_BAND,
            filter.age_band.map(|a| a.as_str().to_string()),
        ),
        (
            facet::LOGIN_METHOD,
            filter.login_method.map(|l| l.as_str().to_string()),
        ),
        (
            facet::VERDICT_LEVEL,
            filter
                .verdict_level
                .filter(|l| *l != VerdictLevel::NotAssessed)
                .map(|l| l.as_str().to_string()),
        ),
        (
            facet::THIRD_COUNTRY,
            filter
                .has_third_country_transfer
                .map(|t| if t { "yes" } else { "no" }.to_string()),
        ),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect()
}
