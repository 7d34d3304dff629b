//! What "current" means for list filters — the level of the verdict in
//! force and whether the latest subprocessor revision sends data to a third
//! country — kept as rows in `tool_facets` so filtering a large list is an
//! index look-up. Refreshed in the transaction of every change that can
//! move it (publish, withdraw, new subprocessor revision, bulk load).

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::tool_facets;
use crate::tool::facet;
use diesel::prelude::*;
use uuid::Uuid;

/// The derived facets of one tool.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Current {
    pub verdict_level: Option<String>,
    pub third_country: Option<bool>,
}

impl Current {
    pub(crate) fn rows(&self, tool_id: Uuid) -> Vec<(String, &'static str, String)> {
        let id = tool_id.to_string();
        let mut rows = Vec::new();
        if let Some(level) = &self.verdict_level {
            rows.push((id.clone(), facet::VERDICT_LEVEL, level.clone()));
        }
        if let Some(third) = self.third_country {
            rows.push((
                id,
                facet::THIRD_COUNTRY,
                if third { "yes" } else { "no" }.to_string(),
            ));
        }
        rows
    }
}

/// Recompute a tool's derived facets from the database.
pub fn refresh(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<()> {
    let verdict_level = crate::verdict_version::current(conn, tool_id)?
        .map(|v| v.content.level.as_str().to_string());
    let third_country = crate::subprocessor_revision::latest(conn, tool_id)?.map(|r| {
        !toolreg_core::subprocessor::summarise(&r.entries)
            .third_countries
            .is_empty()
    });
    write(
        conn,
        tool_id,
        &Current {
            verdict_level,
            third_country,
        },
    )
}

pub(crate) fn write(conn: &mut DbConnection, tool_id: Uuid, current: &Current) -> StoreResult<()> {
    diesel::delete(
        tool_facets::table
            .filter(tool_facets::tool_id.eq(tool_id.to_string()))
            .filter(tool_facets::facet.eq_any([facet::VERDICT_LEVEL, facet::THIRD_COUNTRY])),
    )
    .execute(conn)?;
    for (tool, name, value) in current.rows(tool_id) {
        diesel::insert_into(tool_facets::table)
            .values((
                tool_facets::tool_id.eq(tool),
                tool_facets::facet.eq(name),
                tool_facets::value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(())
}
