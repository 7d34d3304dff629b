//! The `tools` table: rows and queries. Tools as people and clients see
//! them (with vendor, verdict in force, usage), listed and filtered, are
//! read through `read_model`; writes that keep facets, revisions and
//! events in step are in `ops::tool`.

use crate::connection::DbConnection;
use crate::error::{or_not_found, Entity, StoreResult};
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::tools;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use toolreg_core::tool::{
    AgeBand, AiFeature, FeideAttribute, LoginMethod, PersonalDataBasis, Platform,
    ProcessesPersonalData, Tool, ToolInput,
};
use toolreg_core::verdict::VerdictLevel;
use uuid::Uuid;

/// The list-valued parts of a tool, kept together in one JSON column.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ToolAttributes {
    categories: Vec<String>,
    age_bands: Vec<AgeBand>,
    login_methods: Vec<LoginMethod>,
    platforms: Vec<Platform>,
    personal_data_basis: Vec<PersonalDataBasis>,
    feide_attributes: Vec<FeideAttribute>,
    ai_features: Vec<AiFeature>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tools)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct ToolRow {
    id: String,
    slug: String,
    name: String,
    vendor_id: String,
    summary: String,
    website: Option<String>,
    pricing: Option<String>,
    processes_personal_data: String,
    status: String,
    attributes: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    revision: i64,
}

impl ToolRow {
    pub(crate) fn new(
        id: Uuid,
        t: &ToolInput,
        created: DateTime<Utc>,
        updated: DateTime<Utc>,
        revision: i64,
    ) -> Self {
        let attributes = ToolAttributes {
            categories: t.categories.clone(),
            age_bands: t.age_bands.clone(),
            login_methods: t.login_methods.clone(),
            platforms: t.platforms.clone(),
            personal_data_basis: t.personal_data_basis.clone(),
            feide_attributes: t.feide_attributes.clone(),
            ai_features: t.ai_features.clone(),
        };
        Self {
            id: id.to_string(),
            slug: t.slug.clone(),
            name: t.name.trim().to_string(),
            vendor_id: t.vendor_id.to_string(),
            summary: t.summary.clone(),
            website: t.website.clone(),
            pricing: t.pricing.map(|p| p.as_str().to_string()),
            processes_personal_data: t.processes_personal_data.as_str().to_string(),
            status: t.status.as_str().to_string(),
            attributes: to_json(&attributes),
            created_at: to_db(created),
            updated_at: to_db(updated),
            revision,
        }
    }

    pub(crate) fn into_domain(self) -> StoreResult<Tool> {
        let a: ToolAttributes = from_json("tools.attributes", &self.attributes)?;
        Ok(Tool {
            id: parse_uuid("tools.id", &self.id)?,
            input: ToolInput {
                slug: self.slug,
                name: self.name,
                vendor_id: parse_uuid("tools.vendor_id", &self.vendor_id)?,
                summary: self.summary,
                website: self.website,
                categories: a.categories,
                age_bands: a.age_bands,
                login_methods: a.login_methods,
                platforms: a.platforms,
                pricing: self
                    .pricing
                    .map(|p| parse_enum("tools.pricing", &p))
                    .transpose()?,
                processes_personal_data: parse_enum(
                    "tools.processes_personal_data",
                    &self.processes_personal_data,
                )?,
                personal_data_basis: a.personal_data_basis,
                feide_attributes: a.feide_attributes,
                ai_features: a.ai_features,
                status: parse_enum("tools.status", &self.status)?,
            },
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            revision: self.revision,
        })
    }
}

/// Whether another tool already has this slug.
pub fn slug_taken(conn: &mut DbConnection, slug: &str, except: Option<Uuid>) -> StoreResult<bool> {
    let mut q = tools::table.filter(tools::slug.eq(slug)).into_boxed();
    if let Some(id) = except {
        q = q.filter(tools::id.ne(id.to_string()));
    }
    let n: i64 = q.count().get_result(conn)?;
    Ok(n > 0)
}

/// Insert a new tool row at revision 1.
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    input: &ToolInput,
    now: DateTime<Utc>,
) -> StoreResult<Tool> {
    let row = ToolRow::new(id, input, now, now, 1);
    diesel::insert_into(tools::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Tool> {
    tools::table
        .find(id.to_string())
        .select(ToolRow::as_select())
        .first(conn)
        .map_err(or_not_found(Entity::Tool))?
        .into_domain()
}

/// Every tool of one vendor, by name.
pub fn of_vendor(conn: &mut DbConnection, vendor_id: Uuid) -> StoreResult<Vec<Tool>> {
    tools::table
        .filter(tools::vendor_id.eq(vendor_id.to_string()))
        .order((tools::name.asc(), tools::id.asc()))
        .select(ToolRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ToolRow::into_domain)
        .collect()
}

/// Several tools in one query; missing ids are simply absent.
pub fn get_many(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<Vec<Tool>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    tools::table
        .filter(tools::id.eq_any(keys))
        .select(ToolRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ToolRow::into_domain)
        .collect()
}

pub fn get_by_slug(conn: &mut DbConnection, slug: &str) -> StoreResult<Tool> {
    tools::table
        .filter(tools::slug.eq(slug))
        .select(ToolRow::as_select())
        .first(conn)
        .map_err(or_not_found(Entity::Tool))?
        .into_domain()
}

/// Paths accept either the id or the slug.
pub fn get_by_id_or_slug(conn: &mut DbConnection, key: &str) -> StoreResult<Tool> {
    match Uuid::parse_str(key) {
        Ok(id) => get(conn, id),
        Err(_) => get_by_slug(conn, key),
    }
}

/// Replace `current` with `input` as the next revision, if nobody changed
/// it since it was read: on PostgreSQL a concurrent writer that committed
/// first leaves no row at `current.revision` to match.
pub fn update_if_unchanged(
    conn: &mut DbConnection,
    current: &Tool,
    input: &ToolInput,
    now: DateTime<Utc>,
) -> StoreResult<Tool> {
    let row = ToolRow::new(
        current.id,
        input,
        current.created_at,
        now,
        current.revision + 1,
    );
    let changed = diesel::update(
        tools::table
            .filter(tools::id.eq(current.id.to_string()))
            .filter(tools::revision.eq(current.revision)),
    )
    .set(&row)
    .execute(conn)?;
    crate::write::one_row_or_stale(changed)?;
    row.into_domain()
}

/// The vendor a tool belongs to, without reading the whole row.
pub fn vendor_of(conn: &mut DbConnection, id: Uuid) -> StoreResult<Uuid> {
    let vendor: String = tools::table
        .find(id.to_string())
        .select(tools::vendor_id)
        .first(conn)
        .map_err(or_not_found(Entity::Tool))?;
    parse_uuid("tools.vendor_id", &vendor)
}

/// How many of `ids` exist.
pub fn count_existing(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<usize> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    let n: i64 = tools::table
        .filter(tools::id.eq_any(&keys))
        .count()
        .get_result(conn)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// (id, slug) of each of `ids` that exists.
pub fn slugs_of(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<Vec<(Uuid, String)>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    tools::table
        .filter(tools::id.eq_any(&keys))
        .order(tools::id.asc())
        .select((tools::id, tools::slug))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, slug)| Ok((parse_uuid("tools.id", &id)?, slug)))
        .collect()
}

/// Filters for listing tools; each one narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    pub vendor_id: Option<Uuid>,
    pub category: Option<String>,
    pub age_band: Option<AgeBand>,
    pub login_method: Option<LoginMethod>,
    pub processes_personal_data: Option<ProcessesPersonalData>,
    pub verdict_level: Option<VerdictLevel>,
    pub has_third_country_transfer: Option<bool>,
}

pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(tools::table.count().get_result(conn)?)
}
