//! Documents through the change pipeline: an upload records its blob (if
//! the content is new) and the document in one audited transaction; a read
//! of a restricted document's bytes is an audit entry of its own.

use crate::error::{ConflictKind, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::document::ExpiryNotice;
use crate::tables::event::NewEvent;
use crate::tables::{blob, document, tool};
use crate::DbConnection;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use toolreg_core::change::{Action, Target};
use toolreg_core::document::{
    Document, DocumentFile, DocumentInput, Visibility, EXPIRY_NOTICE_DAYS,
};
use toolreg_core::event::{EventType, Severity};
use toolreg_core::ids::ToolId;
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

/// Announce documents expiring within `EXPIRY_NOTICE_DAYS` (a warning)
/// and those expired (critical), each once: a `document.expiring` event
/// per tool the document covers (all of the vendor's tools for one about
/// the vendor as a whole). The title is in the event only for a public
/// document; events are public. Returns how many notices were given.
pub fn announce_expiring(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let owed = document::owed_expiry_notices(conn, now, now + Duration::days(EXPIRY_NOTICE_DAYS))?;
    let mut given = 0;
    for (d, notice) in owed {
        let result = change::apply(conn, ctx, |conn| {
            if !document::mark_expiry_notice(conn, d.id, notice, now)? {
                // Another process gave it just now.
                return Err(StoreError::Stale);
            }
            let tools = match d.input.tool_id {
                Some(t) => tool::slugs_of(conn, &[t])?,
                None => {
                    let ids: Vec<Uuid> = tool::of_vendor(conn, d.owner_org_id)?
                        .into_iter()
                        .map(|t| t.id)
                        .collect();
                    tool::slugs_of(conn, &ids)?
                }
            };
            let (stage, severity) = match notice {
                ExpiryNotice::Soon => ("soon", Severity::Warning),
                ExpiryNotice::Expired => ("expired", Severity::Critical),
            };
            let title = (d.input.visibility == Visibility::Public).then(|| d.input.title.clone());
            let events = tools
                .iter()
                .map(|(tool_id, slug)| NewEvent {
                    private_to: None,
                    event_type: EventType::DocumentExpiring,
                    severity,
                    subject: Target::Tool(ToolId(*tool_id)).path(),
                    data: json!({
                        "tool_id": tool_id,
                        "slug": slug,
                        "document_id": d.id,
                        "kind": d.input.kind,
                        "title": title,
                        "expires_at": d.input.expires_at,
                        "stage": stage,
                    }),
                })
                .collect();
            let change =
                Change::new(Action::DocumentExpiry, Target::Document(d.id), &d).with_events(events);
            Ok(((), change))
        });
        match result {
            Ok(()) => given += 1,
            Err(StoreError::Stale) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(given)
}
