//! Tools: rows, facets for filtering, and queries.

use crate::connection::DbConnection;
use crate::error::{from_json, parse_enum, parse_uuid, to_json, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::schema::{tool_facets, tools};
use crate::time::{from_db, to_db};
use crate::tool_revision::ToolRevisionRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use toolreg_core::tool::{
    AgeBand, AiFeature, FeideAttribute, LoginMethod, PersonalDataBasis, Platform,
    ProcessesPersonalData, Tool, ToolInput,
};
use toolreg_core::verdict::VerdictLevel;
use toolreg_core::Validate;
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

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = tool_facets)]
pub(crate) struct FacetRow {
    tool_id: String,
    facet: String,
    value: String,
}

/// Facet names used in `tool_facets.facet`.
pub mod facet {
    pub const CATEGORY: &str = "category";
    pub const AGE_BAND: &str = "age_band";
    pub const LOGIN_METHOD: &str = "login_method";
    pub const PLATFORM: &str = "platform";
    /// Derived: level of the verdict in force (see `tool_current`).
    pub const VERDICT_LEVEL: &str = "verdict_level";
    /// Derived: "yes"/"no" from the latest subprocessor revision.
    pub const THIRD_COUNTRY: &str = "third_country";
}

impl FacetRow {
    pub(crate) fn new(tool_id: String, facet: &str, value: String) -> Self {
        Self {
            tool_id,
            facet: facet.to_string(),
            value,
        }
    }
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

pub(crate) fn facets_of(id: Uuid, t: &ToolInput) -> Vec<FacetRow> {
    let id = id.to_string();
    let mut rows = Vec::new();
    let mut add = |facet: &str, value: &str| {
        rows.push(FacetRow {
            tool_id: id.clone(),
            facet: facet.to_string(),
            value: value.to_string(),
        });
    };
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

const WHAT: &str = "verktøyet";

fn not_found(e: diesel::result::Error) -> StoreError {
    match e {
        diesel::result::Error::NotFound => StoreError::NotFound { what: WHAT },
        other => other.into(),
    }
}

fn slug_conflict(e: StoreError, slug: &str) -> StoreError {
    match e {
        StoreError::Conflict(m) if m.contains("slug") => {
            StoreError::Conflict(format!("slug «{slug}» er allerede i bruk"))
        }
        other => other,
    }
}

/// Register a tool; `editor` says in what capacity (kept in its history).
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    input: &ToolInput,
    now: DateTime<Utc>,
    editor: &str,
) -> StoreResult<Tool> {
    input.validate()?;
    crate::write::write_transaction(conn, |conn| {
        if !crate::organisation::exists(conn, input.vendor_id)? {
            return Err(StoreError::NotFound {
                what: "leverandøren",
            });
        }
        let row = ToolRow::new(id, input, now, now, 1);
        diesel::insert_into(tools::table)
            .values(&row)
            .execute(conn)
            .map_err(|e| slug_conflict(e.into(), &input.slug))?;
        for f in facets_of(id, input) {
            diesel::insert_into(tool_facets::table)
                .values(&f)
                .execute(conn)?;
        }
        crate::tool_revision::record(conn, &ToolRevisionRow::new(id, 1, input, None, editor, now))?;
        crate::generation::bump(conn)?;
        row.into_domain()
    })
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Tool> {
    tools::table
        .find(id.to_string())
        .select(ToolRow::as_select())
        .first(conn)
        .map_err(not_found)?
        .into_domain()
}

pub fn get_by_slug(conn: &mut DbConnection, slug: &str) -> StoreResult<Tool> {
    tools::table
        .filter(tools::slug.eq(slug))
        .select(ToolRow::as_select())
        .first(conn)
        .map_err(not_found)?
        .into_domain()
}

/// Paths accept either the id or the slug.
pub fn get_by_id_or_slug(conn: &mut DbConnection, key: &str) -> StoreResult<Tool> {
    match Uuid::parse_str(key) {
        Ok(id) => get(conn, id),
        Err(_) => get_by_slug(conn, key),
    }
}

/// Replace a tool; the new state joins its history.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    input: &ToolInput,
    expected_revision: Option<i64>,
    now: DateTime<Utc>,
    editor: &str,
) -> StoreResult<Tool> {
    input.validate()?;
    crate::write::write_transaction(conn, |conn| {
        let current = get(conn, id)?;
        if expected_revision.is_some_and(|r| r != current.revision) {
            return Err(StoreError::Stale);
        }
        if !crate::organisation::exists(conn, input.vendor_id)? {
            return Err(StoreError::NotFound {
                what: "leverandøren",
            });
        }
        let row = ToolRow::new(id, input, current.created_at, now, current.revision + 1);
        // Conditional on the revision just read: a concurrent writer that
        // committed first leaves nothing to match (see `write`).
        let changed = diesel::update(
            tools::table
                .filter(tools::id.eq(id.to_string()))
                .filter(tools::revision.eq(current.revision)),
        )
        .set(&row)
        .execute(conn)
        .map_err(|e| slug_conflict(e.into(), &input.slug))?;
        if changed == 0 {
            return Err(StoreError::Stale);
        }
        // Only the tool's own facets; derived ones stay.
        diesel::delete(
            tool_facets::table
                .filter(tool_facets::tool_id.eq(id.to_string()))
                .filter(tool_facets::facet.eq_any([
                    facet::CATEGORY,
                    facet::AGE_BAND,
                    facet::LOGIN_METHOD,
                    facet::PLATFORM,
                ])),
        )
        .execute(conn)?;
        for f in facets_of(id, input) {
            diesel::insert_into(tool_facets::table)
                .values(&f)
                .execute(conn)?;
        }
        crate::tool_revision::record(
            conn,
            &ToolRevisionRow::new(
                id,
                current.revision + 1,
                input,
                Some(&current.input),
                editor,
                now,
            ),
        )?;
        crate::generation::bump(conn)?;
        row.into_domain()
    })
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

/// Tools ordered by name, then id.
pub fn list(
    conn: &mut DbConnection,
    filter: &ToolFilter,
    page: &PageRequest,
) -> StoreResult<Page<Tool>> {
    let mut q = tools::table.select(ToolRow::as_select()).into_boxed();
    if let Some(v) = filter.vendor_id {
        q = q.filter(tools::vendor_id.eq(v.to_string()));
    }
    if let Some(p) = filter.processes_personal_data {
        q = q.filter(tools::processes_personal_data.eq(p.as_str()));
    }
    let facets = [
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
    ];
    for (name, value) in facets {
        if let Some(value) = value {
            let matching = tool_facets::table
                .filter(tool_facets::facet.eq(name))
                .filter(tool_facets::value.eq(value))
                .select(tool_facets::tool_id);
            q = q.filter(tools::id.eq_any(matching));
        }
    }
    if filter.verdict_level == Some(VerdictLevel::NotAssessed) {
        // No verdict in force is "not assessed" as much as a verdict that
        // says so: the tools without an assessed level.
        let assessed = tool_facets::table
            .filter(tool_facets::facet.eq(facet::VERDICT_LEVEL))
            .filter(tool_facets::value.ne(VerdictLevel::NotAssessed.as_str()))
            .select(tool_facets::tool_id);
        q = q.filter(tools::id.ne_all(assessed));
    }
    if let Some((name, id)) = page.after() {
        q = q.filter(
            tools::name.gt(name.to_string()).or(tools::name
                .eq(name.to_string())
                .and(tools::id.gt(id.to_string()))),
        );
    }
    let rows: Vec<ToolRow> = q
        .order((tools::name.asc(), tools::id.asc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(ToolRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(items, page.limit, |t| {
        (t.input.name.clone(), t.id.to_string())
    }))
}

pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(tools::table.count().get_result(conn)?)
}
