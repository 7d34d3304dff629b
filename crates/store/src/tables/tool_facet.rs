//! The `tool_facets` table: one row per (tool, facet, value), so filtering
//! a large list is an index look-up. A tool's own facets come from its
//! attributes; the derived facets (verdict level in force, third-country
//! transfer) are computed by `ops::derived_facets`. Each row carries the
//! tool's name, the list's sort key, so a filtered page is read in order
//! from the facet index; every write of a tool's facets sets it from the
//! tool as it is then.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::tool_facets;
use crate::tables::facet;
use diesel::prelude::*;
use toolreg_core::tool::ToolInput;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tool_facets)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct FacetRow {
    tool_id: String,
    facet: String,
    value: String,
    tool_name: String,
}

impl FacetRow {
    pub(crate) fn new(tool_id: Uuid, facet: &str, value: &str) -> Self {
        Self {
            tool_id: tool_id.to_string(),
            facet: facet.to_string(),
            value: value.to_string(),
            tool_name: String::new(),
        }
    }

    /// The row with its tool's name, the list's sort key.
    pub(crate) fn named(mut self, tool_name: &str) -> Self {
        self.tool_name = tool_name.to_string();
        self
    }
}

/// The derived facets of one tool: what "current" means for list filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DerivedFacets {
    /// Level of the verdict in force; none when no verdict is in force.
    pub verdict_level: Option<String>,
    /// Whether the latest subprocessor revision transfers to a third
    /// country; none without a revision.
    pub third_country: Option<bool>,
}

impl DerivedFacets {
    pub(crate) fn rows(&self, tool_id: Uuid) -> Vec<FacetRow> {
        let mut rows = Vec::new();
        if let Some(level) = &self.verdict_level {
            rows.push(FacetRow::new(tool_id, facet::VERDICT_LEVEL, level));
        }
        if let Some(third) = self.third_country {
            rows.push(FacetRow::new(
                tool_id,
                facet::THIRD_COUNTRY,
                if third { "yes" } else { "no" },
            ));
        }
        rows
    }
}

/// The rows of a tool's own facets.
pub(crate) fn own_rows(id: Uuid, t: &ToolInput) -> Vec<FacetRow> {
    let mut rows = Vec::new();
    let mut add =
        |name: &str, value: &str| rows.push(FacetRow::new(id, name, value).named(t.name.trim()));
    t.categories.iter().for_each(|c| add(facet::CATEGORY, c));
    t.age_bands
        .iter()
        .for_each(|a| add(facet::AGE_BAND, a.as_str()));
    t.login_methods
        .iter()
        .for_each(|l| add(facet::LOGIN_METHOD, l.as_str()));
    t.platforms
        .iter()
        .for_each(|p| add(facet::PLATFORM, p.as_str()));
    rows
}

/// Replace the facets named in `names` for one tool with `rows`, each
/// carrying `tool_name`, the tool's name as it is now.
fn replace(
    conn: &mut DbConnection,
    tool_id: Uuid,
    tool_name: &str,
    names: &[&str],
    rows: Vec<FacetRow>,
) -> StoreResult<()> {
    diesel::delete(
        tool_facets::table
            .filter(tool_facets::tool_id.eq(tool_id.to_string()))
            .filter(tool_facets::facet.eq_any(names)),
    )
    .execute(conn)?;
    for row in rows {
        diesel::insert_into(tool_facets::table)
            .values(row.named(tool_name))
            .execute(conn)?;
    }
    Ok(())
}

/// Write a tool's own facets; derived ones stay.
pub fn replace_own(conn: &mut DbConnection, tool_id: Uuid, input: &ToolInput) -> StoreResult<()> {
    let name = input.name.trim();
    replace(conn, tool_id, name, &facet::OWN, own_rows(tool_id, input))
}

/// A renamed tool's facet rows take its new name, so its derived facets
/// sort where the tool now does (its own are rewritten anyway).
pub fn rename(conn: &mut DbConnection, tool_id: Uuid, name: &str) -> StoreResult<()> {
    diesel::update(tool_facets::table.filter(tool_facets::tool_id.eq(tool_id.to_string())))
        .set(tool_facets::tool_name.eq(name))
        .execute(conn)?;
    Ok(())
}

/// Write a tool's derived facets; its own ones stay.
pub fn replace_derived(
    conn: &mut DbConnection,
    tool_id: Uuid,
    derived: &DerivedFacets,
) -> StoreResult<()> {
    let tool_name: String = crate::schema::tools::table
        .find(tool_id.to_string())
        .select(crate::schema::tools::name)
        .first(conn)?;
    replace(
        conn,
        tool_id,
        &tool_name,
        &facet::DERIVED,
        derived.rows(tool_id),
    )
}

/// The derived facets as stored.
pub fn derived_of(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<DerivedFacets> {
    let rows: Vec<(String, String)> = tool_facets::table
        .filter(tool_facets::tool_id.eq(tool_id.to_string()))
        .filter(tool_facets::facet.eq_any(facet::DERIVED))
        .select((tool_facets::facet, tool_facets::value))
        .load(conn)?;
    let mut d = DerivedFacets::default();
    for (name, value) in rows {
        match name.as_str() {
            facet::VERDICT_LEVEL => d.verdict_level = Some(value),
            _ => d.third_country = Some(value == "yes"),
        }
    }
    Ok(d)
}
