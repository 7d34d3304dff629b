//! The `organisations` table: rows, compare-and-set updates and queries.

use crate::connection::DbConnection;
use crate::error::{or_not_found, Entity, StoreResult};
use crate::page::{Page, PageRequest};
use crate::row::{parse_enum, parse_uuid};
use crate::schema::organisations;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::organisation::{Organisation, OrganisationInput, OrganisationKind};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organisations)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct OrganisationRow {
    id: String,
    kind: String,
    name: String,
    org_number: Option<String>,
    municipality_number: Option<String>,
    country: Option<String>,
    website: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    revision: i64,
}

impl OrganisationRow {
    pub(crate) fn new(
        id: Uuid,
        input: &OrganisationInput,
        created: DateTime<Utc>,
        updated: DateTime<Utc>,
        revision: i64,
    ) -> Self {
        Self {
            id: id.to_string(),
            kind: input.kind.as_str().to_string(),
            name: input.name.trim().to_string(),
            org_number: input.normalised_org_number(),
            municipality_number: input.municipality_number.clone(),
            country: input.country.as_ref().map(|c| c.to_ascii_uppercase()),
            website: input.website.clone(),
            created_at: to_db(created),
            updated_at: to_db(updated),
            revision,
        }
    }

    fn into_domain(self) -> StoreResult<Organisation> {
        Ok(Organisation {
            id: parse_uuid("organisations.id", &self.id)?,
            kind: parse_enum("organisations.kind", &self.kind)?,
            name: self.name,
            org_number: self.org_number,
            municipality_number: self.municipality_number,
            country: self.country,
            website: self.website,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            revision: self.revision,
        })
    }
}

/// Insert an organisation at revision 1 with a caller-chosen id (UUIDv7
/// for new data, deterministic ids for seed data).
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    input: &OrganisationInput,
    now: DateTime<Utc>,
) -> StoreResult<Organisation> {
    let row = OrganisationRow::new(id, input, now, now, 1);
    diesel::insert_into(organisations::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

/// Whether another organisation already has this organisation number.
pub fn org_number_taken(
    conn: &mut DbConnection,
    org_number: &str,
    except: Option<Uuid>,
) -> StoreResult<bool> {
    let mut q = organisations::table
        .filter(organisations::org_number.eq(org_number))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(organisations::id.ne(id.to_string()));
    }
    let n: i64 = q.count().get_result(conn)?;
    Ok(n > 0)
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Organisation> {
    organisations::table
        .find(id.to_string())
        .select(OrganisationRow::as_select())
        .first(conn)
        .map_err(or_not_found(Entity::Organisation))?
        .into_domain()
}

/// Several organisations in one query; missing ids are simply absent.
pub fn get_many(conn: &mut DbConnection, ids: &[Uuid]) -> StoreResult<Vec<Organisation>> {
    let keys: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    organisations::table
        .filter(organisations::id.eq_any(keys))
        .select(OrganisationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(OrganisationRow::into_domain)
        .collect()
}

pub fn exists(conn: &mut DbConnection, id: Uuid) -> StoreResult<bool> {
    let n: i64 = organisations::table
        .find(id.to_string())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn find_by_org_number(
    conn: &mut DbConnection,
    org_number: &str,
) -> StoreResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::org_number.eq(org_number))
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()?
        .map(OrganisationRow::into_domain)
        .transpose()
}

/// Replace `current` with `input` as the next revision, if nobody changed
/// it since it was read (compare-and-set on the revision).
pub fn update_if_unchanged(
    conn: &mut DbConnection,
    current: &Organisation,
    input: &OrganisationInput,
    now: DateTime<Utc>,
) -> StoreResult<Organisation> {
    let row = OrganisationRow::new(
        current.id,
        input,
        current.created_at,
        now,
        current.revision + 1,
    );
    let changed = diesel::update(
        organisations::table
            .filter(organisations::id.eq(current.id.to_string()))
            .filter(organisations::revision.eq(current.revision)),
    )
    .set(&row)
    .execute(conn)?;
    crate::write::one_row_or_stale(changed)?;
    row.into_domain()
}

/// Organisations ordered by name, optionally of one kind.
pub fn list(
    conn: &mut DbConnection,
    kind: Option<OrganisationKind>,
    page: &PageRequest,
) -> StoreResult<Page<Organisation>> {
    let mut q = organisations::table
        .select(OrganisationRow::as_select())
        .into_boxed();
    if let Some(k) = kind {
        q = q.filter(organisations::kind.eq(k.as_str()));
    }
    if let Some((name, id)) = page.after() {
        q = q.filter(
            organisations::name
                .gt(name.to_string())
                .or(organisations::name
                    .eq(name.to_string())
                    .and(organisations::id.gt(id.to_string()))),
        );
    }
    let rows: Vec<OrganisationRow> = q
        .order((organisations::name.asc(), organisations::id.asc()))
        .limit(page.fetch_limit())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(OrganisationRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(items, page.limit, |o| {
        (o.name.clone(), o.id.to_string())
    }))
}
