//! Document metadata: who owns it, who may see it, when it expires.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::{parse_enum, parse_uuid};
use crate::schema::documents;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::document::{Document, DocumentFile, DocumentInput, Visibility};
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
    filename: String,
    scope: Option<String>,
    uploaded_by: String,
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
                visibility: parse_enum("documents.visibility", &self.visibility)?,
                scope: self.scope,
                expires_at: self.expires_at.map(from_db),
            },
            file: DocumentFile {
                filename: self.filename,
                media_type: self.media_type,
                size_bytes: self.size_bytes,
                sha256: self.sha256,
            },
            uploaded_by: self.uploaded_by,
            created_at: from_db(self.created_at),
        })
    }
}

/// Record a document whose bytes are stored (see `ops::document`).
pub fn insert(conn: &mut DbConnection, document: &Document) -> StoreResult<()> {
    let d = document;
    let row = DocumentRow {
        id: d.id.to_string(),
        owner_org_id: d.owner_org_id.to_string(),
        tool_id: d.input.tool_id.map(|t| t.to_string()),
        kind: d.input.kind.as_str().to_string(),
        title: d.input.title.clone(),
        media_type: d.file.media_type.clone(),
        size_bytes: d.file.size_bytes,
        sha256: d.file.sha256.clone(),
        visibility: d.input.visibility.as_str().to_string(),
        expires_at: d.input.expires_at.map(to_db),
        created_at: to_db(d.created_at),
        filename: d.file.filename.clone(),
        scope: d.input.scope.clone(),
        uploaded_by: d.uploaded_by.clone(),
    };
    diesel::insert_into(documents::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// How many documents there are (tests: a failed upload adds none).
pub fn count(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(documents::table.count().get_result(conn)?)
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

/// Who is reading: everything up to `widest`, and all of `own`'s (a
/// vendor reads its own documents whatever their visibility).
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub widest: Visibility,
    pub own: Option<Uuid>,
}

impl Reader {
    pub fn may_read(&self, d: &Document) -> bool {
        d.input.visibility <= self.widest || self.own == Some(d.owner_org_id)
    }
}

/// Documents a reader may see, of one owner and/or one tool, newest first
/// (ids are time-ordered), paged.
pub fn list(
    conn: &mut DbConnection,
    owner: Option<Uuid>,
    tool: Option<Uuid>,
    reader: Reader,
    page: &crate::page::PageRequest,
) -> StoreResult<crate::page::Page<Document>> {
    let allowed: Vec<&str> = Visibility::ALL
        .iter()
        .filter(|v| **v <= reader.widest)
        .map(|v| v.as_str())
        .collect();
    let mut query = documents::table.into_boxed();
    query = match reader.own {
        Some(own) => query.filter(
            documents::visibility
                .eq_any(allowed)
                .or(documents::owner_org_id.eq(own.to_string())),
        ),
        None => query.filter(documents::visibility.eq_any(allowed)),
    };
    if let Some(owner) = owner {
        query = query.filter(documents::owner_org_id.eq(owner.to_string()));
    }
    if let Some(tool) = tool {
        query = query.filter(documents::tool_id.eq(tool.to_string()));
    }
    if let Some((_, after)) = page.after() {
        query = query.filter(documents::id.lt(after.to_string()));
    }
    let rows = query
        .order(documents::id.desc())
        .limit(page.fetch_limit())
        .select(DocumentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(DocumentRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(crate::page::Page::from_fetched(rows, page.limit, |d| {
        (String::new(), d.id.to_string())
    }))
}

/// Which expiry notice: the one ahead of time, or the one on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryNotice {
    Soon,
    Expired,
}

/// Documents owed an expiry notice at `now`: expiring before `soon` and
/// not yet warned of, or expired and not yet announced.
pub fn owed_expiry_notices(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    soon: DateTime<Utc>,
) -> StoreResult<Vec<(Document, ExpiryNotice)>> {
    let expired = documents::table
        .filter(documents::expires_at.le(to_db(now)))
        .filter(documents::expiry_announced_at.is_null())
        .select(DocumentRow::as_select())
        .load(conn)?;
    let expiring = documents::table
        .filter(documents::expires_at.gt(to_db(now)))
        .filter(documents::expires_at.le(to_db(soon)))
        .filter(documents::expiry_warned_at.is_null())
        .select(DocumentRow::as_select())
        .load(conn)?;
    expired
        .into_iter()
        .map(|r| Ok((r.into_domain()?, ExpiryNotice::Expired)))
        .chain(
            expiring
                .into_iter()
                .map(|r| Ok((r.into_domain()?, ExpiryNotice::Soon))),
        )
        .collect()
}

/// Note that `notice` was given for `id`; false when it already was (by
/// another process at the same moment).
pub fn mark_expiry_notice(
    conn: &mut DbConnection,
    id: Uuid,
    notice: ExpiryNotice,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let row = documents::table.find(id.to_string());
    let n = match notice {
        ExpiryNotice::Soon => diesel::update(row.filter(documents::expiry_warned_at.is_null()))
            .set(documents::expiry_warned_at.eq(Some(to_db(now))))
            .execute(conn)?,
        ExpiryNotice::Expired => {
            diesel::update(row.filter(documents::expiry_announced_at.is_null()))
                .set((
                    documents::expiry_announced_at.eq(Some(to_db(now))),
                    // An expired document needs no warning any more.
                    documents::expiry_warned_at.eq(Some(to_db(now))),
                ))
                .execute(conn)?
        }
    };
    Ok(n == 1)
}
