//! Recording a new subprocessor list for a tool: the next revision, its
//! diff against the one before, and the event a municipality acts on.

use crate::error::StoreResult;
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::event::NewEvent;
use crate::tables::{subprocessor_revision, tool};
use crate::DbConnection;
use serde_json::json;
use toolreg_core::change::{Action, Target};
use toolreg_core::event::EventType;
use toolreg_core::ids::ToolId;
use toolreg_core::subprocessor::{SubprocessorRevision, SubprocessorRevisionInput};
use toolreg_core::subprocessor_diff::{diff_subprocessors, SubprocessorDiff};
use toolreg_core::Validate;
use uuid::Uuid;

/// A recorded revision and what changed since the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRevision {
    pub revision: SubprocessorRevision,
    /// Against the previous revision; the first revision is all additions.
    pub diff: SubprocessorDiff,
    pub previous_revision: Option<i32>,
}

/// Append the next revision of a tool's subprocessor list (1 for the first).
pub fn append(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    tool: ToolId,
    input: &SubprocessorRevisionInput,
) -> StoreResult<RecordedRevision> {
    input.validate()?;
    let tool_id = tool.uuid();
    change::apply(conn, ctx, |conn| {
        // Lock the tool first: two lists recorded at once get consecutive
        // numbers instead of one failing on the unique revision.
        crate::write::lock_tools(conn, &[tool_id])?;
        let t = tool::get(conn, tool_id)?;
        let previous = subprocessor_revision::latest(conn, tool_id)?;
        let number = previous.as_ref().map_or(1, |p| p.revision + 1);
        let revision = subprocessor_revision::insert(
            conn,
            id,
            tool_id,
            number,
            input,
            &ctx.actor.sub,
            ctx.now,
        )?;
        let before = previous.as_ref().map_or(&[][..], |p| &p.entries[..]);
        let diff = diff_subprocessors(before, &revision.entries);
        let event = NewEvent {
            private_to: None,
            event_type: EventType::SubprocessorsChanged,
            severity: diff.severity(),
            subject: Target::Tool(tool).path(),
            data: json!({
                "tool_id": tool_id,
                "slug": t.input.slug,
                "revision": number,
                "previous_revision": previous.as_ref().map(|p| p.revision),
                "diff": diff,
            }),
        };
        let target = Target::SubprocessorRevision {
            tool,
            revision: number,
        };
        let change = Change::new(Action::SubprocessorsRevise, target, &revision)
            .with_events(vec![event])
            .refreshing(&[tool_id]);
        let recorded = RecordedRevision {
            previous_revision: previous.map(|p| p.revision),
            revision,
            diff,
        };
        Ok((recorded, change))
    })
}
