//! Inventory entries: a municipality's own list of the tools its schools
//! use, with the local part, screening and acceptance of each. Every read
//! is by organisation: an entry is found only under its own.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::row::{from_json, parse_uuid, to_json};
use crate::schema::inventory_entries as entries;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::inventory::{
    active_statuses, Acceptance, InventoryEntry, InventoryInput, LocalPart,
};
use toolreg_core::screening::Screening;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = entries)]
#[diesel(treat_none_as_default_value = false)]
struct EntryRow {
    id: String,
    organisation_id: String,
    tool_id: Option<String>,
    usage_status: String,
    details: String,
    local_part: String,
    screening: Option<String>,
    acceptance: Option<String>,
    verdict_changed_at: Option<NaiveDateTime>,
    proposed_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl EntryRow {
    fn from_domain(e: &InventoryEntry) -> Self {
        Self {
            id: e.id.to_string(),
            organisation_id: e.organisation_id.to_string(),
            tool_id: e.input.tool.registry_id().map(|t| t.to_string()),
            usage_status: e.input.status.as_str().to_string(),
            details: to_json(&e.input),
            local_part: to_json(&e.local_part),
            screening: e.screening.as_ref().map(to_json),
            acceptance: e.acceptance.as_ref().map(to_json),
            verdict_changed_at: e.verdict_changed_at.map(to_db),
            proposed_at: e.proposed_at.map(to_db),
            version: e.version,
            created_at: to_db(e.created_at),
            updated_at: to_db(e.updated_at),
        }
    }

    fn into_domain(self) -> StoreResult<InventoryEntry> {
        // `usage_status` is the indexed copy of `details.status`; the
        // document is what is read.
        let input: InventoryInput = from_json("inventory_entries.details", &self.details)?;
        Ok(InventoryEntry {
            id: parse_uuid("inventory_entries.id", &self.id)?,
            organisation_id: parse_uuid(
                "inventory_entries.organisation_id",
                &self.organisation_id,
            )?,
            input,
            local_part: from_json::<LocalPart>("inventory_entries.local_part", &self.local_part)?,
            screening: self
                .screening
                .map(|s| from_json::<Screening>("inventory_entries.screening", &s))
                .transpose()?,
            acceptance: self
                .acceptance
                .map(|a| from_json::<Acceptance>("inventory_entries.acceptance", &a))
                .transpose()?,
            verdict_changed_at: self.verdict_changed_at.map(from_db),
            proposed_at: self.proposed_at.map(from_db),
            version: self.version,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

pub fn insert(conn: &mut DbConnection, entry: &InventoryEntry) -> StoreResult<()> {
    diesel::insert_into(entries::table)
        .values(EntryRow::from_domain(entry))
        .execute(conn)?;
    Ok(())
}

/// The organisation's entry `id`; not found under any other organisation.
pub fn get(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    id: Uuid,
) -> StoreResult<InventoryEntry> {
    entries::table
        .find(id.to_string())
        .filter(entries::organisation_id.eq(organisation_id.to_string()))
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::InventoryEntry))?
        .into_domain()
}

/// Whether the organisation already lists the registry tool.
pub fn lists_tool(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    tool_id: Uuid,
) -> StoreResult<bool> {
    let n: i64 = entries::table
        .filter(entries::organisation_id.eq(organisation_id.to_string()))
        .filter(entries::tool_id.eq(tool_id.to_string()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Write `next` over the stored entry if it is still at `next.version - 1`
/// (compare-and-set); Stale when another writer came first.
pub fn replace(conn: &mut DbConnection, next: &InventoryEntry) -> StoreResult<()> {
    let row = EntryRow::from_domain(next);
    let n = diesel::update(
        entries::table
            .find(&row.id)
            .filter(entries::organisation_id.eq(&row.organisation_id))
            .filter(entries::version.eq(next.version - 1)),
    )
    .set((
        entries::tool_id.eq(&row.tool_id),
        entries::usage_status.eq(&row.usage_status),
        entries::details.eq(&row.details),
        entries::local_part.eq(&row.local_part),
        entries::screening.eq(&row.screening),
        entries::acceptance.eq(&row.acceptance),
        entries::verdict_changed_at.eq(row.verdict_changed_at),
        entries::proposed_at.eq(row.proposed_at),
        entries::version.eq(row.version),
        entries::updated_at.eq(row.updated_at),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// A page of the organisation's entries, in id (creation) order.
pub fn list(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    page: &PageRequest,
) -> StoreResult<Page<InventoryEntry>> {
    let mut query = entries::table
        .filter(entries::organisation_id.eq(organisation_id.to_string()))
        .into_boxed();
    if let Some((_, after)) = page.after() {
        query = query.filter(entries::id.gt(after.to_string()));
    }
    let rows = query
        .order(entries::id.asc())
        .limit(page.fetch_limit())
        .select(EntryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EntryRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(rows, page.limit, |e| {
        (String::new(), e.id.to_string())
    }))
}

/// Every entry of the organisation, for the overview and the record of
/// processing (an organisation lists hundreds of tools, not millions).
pub fn all_of(conn: &mut DbConnection, organisation_id: Uuid) -> StoreResult<Vec<InventoryEntry>> {
    entries::table
        .filter(entries::organisation_id.eq(organisation_id.to_string()))
        .order(entries::id.asc())
        .select(EntryRow::as_select())
        .load(conn)?
        .into_iter()
        .map(EntryRow::into_domain)
        .collect()
}

/// The registry tools the organisation uses now (not stopped): the scope
/// "tools in my inventory".
pub fn tools_in_use(conn: &mut DbConnection, organisation_id: Uuid) -> StoreResult<Vec<Uuid>> {
    entries::table
        .filter(entries::organisation_id.eq(organisation_id.to_string()))
        .filter(entries::usage_status.eq_any(active_statuses()))
        .select(entries::tool_id)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .map(|t| parse_uuid("inventory_entries.tool_id", &t))
        .collect()
}

/// How many organisations use the tool now.
pub fn organisations_using(conn: &mut DbConnection, tool_id: Uuid) -> StoreResult<i64> {
    Ok(usage_counts(conn, &[tool_id])?
        .get(&tool_id)
        .copied()
        .unwrap_or(0))
}

/// How many organisations use each of these tools now, in one query (one
/// row per organisation, since an organisation lists a tool once); tools
/// no one uses are absent.
pub fn usage_counts(
    conn: &mut DbConnection,
    tool_ids: &[Uuid],
) -> StoreResult<std::collections::HashMap<Uuid, i64>> {
    let keys: Vec<String> = tool_ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(Option<String>, i64)> = entries::table
        .filter(entries::tool_id.eq_any(keys))
        .filter(entries::usage_status.eq_any(active_statuses()))
        .group_by(entries::tool_id)
        .select((entries::tool_id, diesel::dsl::count_star()))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(tool, n)| Some((tool?, n)))
        .map(|(tool, n)| Ok((parse_uuid("inventory_entries.tool_id", &tool)?, n)))
        .collect()
}

/// An entry whose acceptance a verdict change may have overtaken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedEntry {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub tool_id: Uuid,
    pub acceptance: Acceptance,
}

/// The entries of these tools that hold an acceptance.
pub fn accepted_for_tools(
    conn: &mut DbConnection,
    tool_ids: &[Uuid],
) -> StoreResult<Vec<AcceptedEntry>> {
    let keys: Vec<String> = tool_ids.iter().map(Uuid::to_string).collect();
    let rows: Vec<(String, String, Option<String>, Option<String>)> = entries::table
        .filter(entries::tool_id.eq_any(keys))
        .filter(entries::acceptance.is_not_null())
        .order(entries::id.asc())
        .select((
            entries::id,
            entries::organisation_id,
            entries::tool_id,
            entries::acceptance,
        ))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(id, org, tool, acceptance)| Some((id, org, tool?, acceptance?)))
        .map(|(id, org, tool, acceptance)| {
            Ok(AcceptedEntry {
                id: parse_uuid("inventory_entries.id", &id)?,
                organisation_id: parse_uuid("inventory_entries.organisation_id", &org)?,
                tool_id: parse_uuid("inventory_entries.tool_id", &tool)?,
                acceptance: from_json("inventory_entries.acceptance", &acceptance)?,
            })
        })
        .collect()
}

/// Mark entries as overtaken by a verdict change at `now`, without
/// touching their version (the municipality changed nothing).
pub fn mark_verdict_changed(
    conn: &mut DbConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    for chunk in keys.chunks(crate::ops::bulk::CHUNK) {
        diesel::update(entries::table.filter(entries::id.eq_any(chunk)))
            .set(entries::verdict_changed_at.eq(Some(to_db(now))))
            .execute(conn)?;
    }
    Ok(())
}
