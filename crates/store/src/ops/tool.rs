//! Registering and changing a tool: the row, its own facets, its revision
//! history and its event, committed through the change pipeline.

use crate::error::{ConflictKind, Entity, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::event::NewEvent;
use crate::tables::tool_revision::{self, ToolRevisionRow};
use crate::tables::{organisation, tool, tool_facet};
use crate::DbConnection;
use serde_json::json;
use toolreg_core::change::{Action, Target};
use toolreg_core::event::{EventType, Severity};
use toolreg_core::ids::{OrganisationId, ToolId};
use toolreg_core::tool::{Tool, ToolInput};
use toolreg_core::Validate;

fn check_references(
    conn: &mut DbConnection,
    input: &ToolInput,
    except: Option<ToolId>,
) -> StoreResult<()> {
    if !organisation::exists(conn, OrganisationId(input.vendor_id).uuid())? {
        return Err(StoreError::NotFound(Entity::Vendor));
    }
    if tool::slug_taken(conn, &input.slug, except.map(ToolId::uuid))? {
        return Err(StoreError::Conflict(ConflictKind::Taken {
            field: Some("slug"),
        }));
    }
    Ok(())
}

fn tool_event(event_type: EventType, t: &Tool, extra: serde_json::Value) -> NewEvent {
    let mut data = json!({
        "tool_id": t.id,
        "slug": t.input.slug,
        "name": t.input.name,
        "vendor_id": t.input.vendor_id,
        "revision": t.revision,
    });
    if let (Some(data), serde_json::Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    NewEvent {
        private_to: None,
        event_type,
        severity: Severity::Info,
        subject: Target::Tool(ToolId(t.id)).path(),
        data,
    }
}

/// Register a tool; `editor` says in what capacity (kept in its history).
pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: ToolId,
    input: &ToolInput,
    editor: &str,
) -> StoreResult<Tool> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        check_references(conn, input, None)?;
        let t = tool::insert(conn, id.uuid(), input, ctx.now)?;
        tool_facet::replace_own(conn, id.uuid(), input)?;
        let history = ToolRevisionRow::new(id.uuid(), 1, input, None, editor, ctx.now);
        tool_revision::record(conn, &history)?;
        let fields = input.set_fields();
        let event = tool_event(EventType::ToolCreated, &t, json!({ "fields": fields }));
        let change = Change::new(Action::ToolCreate, Target::Tool(id), &t).with_events(vec![event]);
        Ok((t, change))
    })
}

/// Replace a tool, if it is still at `expected_revision`; the new state
/// joins its history and the event names the fields that changed.
pub fn update(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: ToolId,
    input: &ToolInput,
    expected_revision: Option<i64>,
    editor: &str,
) -> StoreResult<Tool> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        let current = tool::get(conn, id.uuid())?;
        if expected_revision.is_some_and(|r| r != current.revision) {
            return Err(StoreError::Stale);
        }
        check_references(conn, input, Some(id))?;
        let t = tool::update_if_unchanged(conn, &current, input, ctx.now)?;
        if t.input.name != current.input.name {
            tool_facet::rename(conn, id.uuid(), &t.input.name)?;
        }
        tool_facet::replace_own(conn, id.uuid(), input)?;
        let history = ToolRevisionRow::new(
            id.uuid(),
            t.revision,
            input,
            Some(&current.input),
            editor,
            ctx.now,
        );
        tool_revision::record(conn, &history)?;
        let changed = input.changed_fields(&current.input);
        let event = tool_event(
            EventType::ToolUpdated,
            &t,
            json!({ "changed_fields": changed, "previous_slug": (current.input.slug != t.input.slug).then_some(&current.input.slug) }),
        );
        let change = Change::new(Action::ToolUpdate, Target::Tool(id), &t).with_events(vec![event]);
        Ok((t, change))
    })
}
