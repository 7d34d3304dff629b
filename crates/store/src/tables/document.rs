//! Document metadata: who owns it, who may see it, when it expires.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::{parse_enum, parse_uuid};
use crate::schema::documents;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::document::{Document, DocumentInput, Visibility};
use toolreg_core::Validate;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
struct DocumentRow {
    id: String,
    owner_org_id: String,
    tool_id: Option<String>,
    kind: String,
    title: String,
    media_type: String,
    size_bytes: i64,
    sha256: String,
    visibility: String,
    expires_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl DocumentRow {
    fn into_domain(self) -> StoreResult<Document> {
        Ok(Document {
            id: parse_uuid("documents.id", &self.id)?,
            owner_org_id: parse_uuid("documents.owner_org_id", &self.owner_org_id)?,
            input: DocumentInput {
                kind: parse_enum("documents.kind", &self.kind)?,
                title: self.title,
                tool_id: self
                    .tool_id
                    .as_deref()
                    .map(|t| parse_uuid("documents.tool_id", t))
                    .transpose()?,
                media_type: self.media_type,
                size_bytes: self.size_bytes,
                sha256: self.sha256,
                visibility: parse_enum("documents.visibility", &self.visibility)?,
                expires_at: self.expires_at.map(from_db),
            },
            created_at: from_db(self.created_at),
        })
    }
}

pub fn create(
    conn: &mut DbConnection,
    id: Uuid,
    owner_org_id: Uuid,
    input: &DocumentInput,
    now: DateTime<Utc>,
) -> StoreResult<Document> {
    input.validate()?;
    let row = DocumentRow {
        id: id.to_string(),
        owner_org_id: owner_org_id.to_string(),
        tool_id: input.tool_id.map(|t| t.to_string()),
        kind: input.kind.as_str().to_string(),
        title: input.title.trim().to_string(),
        media_type: input.media_type.clone(),
        size_bytes: input.size_bytes,
        sha256: input.sha256.clone(),
        visibility: input.visibility.as_str().to_string(),
        expires_at: input.expires_at.map(to_db),
        created_at: to_db(now),
    };
    diesel::insert_into(documents::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Document> {
    documents::table
        .find(id.to_string())
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Document))?
        .into_domain()
}

/// Documents of an owner that a reader with access up to `widest` may see
/// (`Public` for anonymous, `Municipalities` for school owners, …).
pub fn list_for_owner(
    conn: &mut DbConnection,
    owner_org_id: Uuid,
    widest: Visibility,
) -> StoreResult<Vec<Document>> {
    let allowed: Vec<&str> = Visibility::ALL
        .iter()
        .filter(|v| **v <= widest)
        .map(|v| v.as_str())
        .collect();
    documents::table
        .filter(documents::owner_org_id.eq(owner_org_id.to_string()))
        .filter(documents::visibility.eq_any(allowed))
        .order(documents::created_at.asc())
        .select(DocumentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DocumentRow::into_domain)
        .collect()
}

/// Documents expiring before `before` and not yet expired at `now`: the
/// input for expiry reminders.
pub fn expiring_between(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
) -> StoreResult<Vec<Document>> {
    documents::table
        .filter(documents::expires_at.gt(to_db(now)))
        .filter(documents::expires_at.le(to_db(before)))
        .order(documents::expires_at.asc())
        .select(DocumentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DocumentRow::into_domain)
        .collect()
}
