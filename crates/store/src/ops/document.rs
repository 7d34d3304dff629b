//! Documents through the change pipeline: an upload records its blob (if
//! the content is new) and the document in one audited transaction; a read
//! of a restricted document's bytes is an audit entry of its own.

use crate::error::{ConflictKind, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::{blob, document, tool};
use crate::DbConnection;
use toolreg_core::change::{Action, Target};
use toolreg_core::document::{Document, DocumentFile, DocumentInput};
use toolreg_core::Validate;
use uuid::Uuid;

/// Record an uploaded document of `owner` (a vendor organisation) whose
/// bytes are in place: `content` holds them when the database keeps them.
pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    owner: Uuid,
    input: &DocumentInput,
    file: &DocumentFile,
    content: Option<&[u8]>,
) -> StoreResult<Document> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        if let Some(t) = input.tool_id {
            // A vendor documents its own tools only.
            if tool::vendor_of(conn, t)? != owner {
                return Err(StoreError::Conflict(ConflictKind::OtherVendorsTool));
            }
        }
        blob::insert_if_absent(conn, &file.sha256, file.size_bytes, content, ctx.now)?;
        let d = Document {
            id,
            owner_org_id: owner,
            input: DocumentInput {
                title: input.title.trim().to_string(),
                ..input.clone()
            },
            file: file.clone(),
            uploaded_by: ctx.actor.sub.clone(),
            created_at: ctx.now,
        };
        document::insert(conn, &d)?;
        let change = Change::new(Action::DocumentUpload, Target::Document(id), &d);
        Ok((d, change))
    })
}

/// Note in the audit trail that `ctx.actor` read the bytes of `d`.
pub fn record_download(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    d: &Document,
) -> StoreResult<()> {
    change::apply(conn, ctx, |_| {
        let change = Change::new(Action::DocumentDownload, Target::Document(d.id), d);
        Ok(((), change))
    })
}
