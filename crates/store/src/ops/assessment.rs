//! An assessment's life: creation, the editable draft, publishing immutable
//! verdict versions, and withdrawal — each one change through the pipeline.
//! Publishing and withdrawing announce one event per covered tool, with the
//! level of the verdict in force for that tool before and after.

use crate::error::{ConflictKind, Entity, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::ops::{derived_facets, inventory};
use crate::tables::event::NewEvent;
use crate::tables::verdict_version;
use crate::tables::{assessment, organisation, subprocessor_revision, tool, tool_facet};
use crate::DbConnection;
use serde_json::json;
use toolreg_core::assessment::{Assessment, AssessmentInput};
use toolreg_core::change::{Action, Target};
use toolreg_core::diff::{diff_verdicts, level_lowered};
use toolreg_core::event::{EventType, Severity};
use toolreg_core::ids::{AssessmentId, ToolId};
use toolreg_core::verdict::{VerdictDraft, VerdictLevel, VerdictVersion};
use toolreg_core::{Validate, Violations};
use uuid::Uuid;

pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: AssessmentId,
    input: &AssessmentInput,
) -> StoreResult<Assessment> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        if !organisation::exists(conn, input.reviewer_org_id)? {
            return Err(StoreError::NotFound(Entity::ReviewerOrganisation));
        }
        if tool::count_existing(conn, &input.tool_ids)? != input.tool_ids.len() {
            return Err(StoreError::NotFound(Entity::CoveredTools));
        }
        let a = assessment::insert(conn, id.uuid(), input, ctx.now)?;
        // Not announced: an assessment is public from its first version.
        let change = Change::new(Action::AssessmentCreate, Target::Assessment(id), &a);
        Ok((a, change))
    })
}

fn check_precondition(
    current: &Assessment,
    expected_draft_revision: Option<i64>,
) -> StoreResult<()> {
    if current.withdrawal.is_some() {
        return Err(StoreError::Conflict(ConflictKind::Withdrawn));
    }
    if expected_draft_revision.is_some_and(|r| r != current.draft_revision) {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Draft references to subprocessor revisions must name the assessment's
/// own tools and revisions that exist.
fn check_reviewed_revisions(
    conn: &mut DbConnection,
    a: &Assessment,
    draft: &VerdictDraft,
) -> StoreResult<()> {
    let mut v = Violations::new();
    for (i, r) in draft.content.subprocessor_revisions.iter().enumerate() {
        let at = format!("/subprocessor_revisions/{i}");
        if !a.tool_ids.contains(&r.tool_id) {
            v.push(
                format!("{at}/tool_id"),
                "verktøyet er ikke med i denne vurderingen",
            );
        } else if subprocessor_revision::get(conn, r.tool_id, r.revision).is_err() {
            v.push(
                format!("{at}/revision"),
                format!("revisjon {} finnes ikke for verktøyet", r.revision),
            );
        }
    }
    v.into_result().map_err(StoreError::Invalid)
}

/// Replace the draft, if it is still at `expected_draft_revision`. Drafts
/// are audited, never announced.
pub fn replace_draft(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: AssessmentId,
    draft: &VerdictDraft,
    expected_draft_revision: Option<i64>,
) -> StoreResult<Assessment> {
    draft.validate()?;
    change::apply(conn, ctx, |conn| {
        let current = assessment::get(conn, id.uuid())?;
        check_precondition(&current, expected_draft_revision)?;
        check_reviewed_revisions(conn, &current, draft)?;
        assessment::replace_draft_if_unchanged(conn, &current, draft, &ctx.actor.sub, ctx.now)?;
        let a = assessment::get(conn, id.uuid())?;
        let change = Change::new(Action::DraftReplace, Target::Assessment(id), &a);
        Ok((a, change))
    })
}

/// One event per covered tool, with the level in force for it before.
fn per_tool_events(
    conn: &mut DbConnection,
    a: &Assessment,
    event_type: EventType,
    data: &serde_json::Value,
    severity_for: impl Fn(
        Option<VerdictLevel>,
        &mut DbConnection,
        Uuid,
    ) -> StoreResult<(Severity, Option<VerdictLevel>)>,
) -> StoreResult<Vec<NewEvent>> {
    let mut events = Vec::new();
    for (tool_id, slug) in tool::slugs_of(conn, &a.tool_ids)? {
        let before = tool_facet::derived_of(conn, tool_id)?
            .verdict_level
            .and_then(|l| l.parse::<VerdictLevel>().ok());
        let (severity, after) = severity_for(before, conn, tool_id)?;
        let mut data = data.clone();
        if let Some(d) = data.as_object_mut() {
            d.insert("tool_id".into(), json!(tool_id));
            d.insert("slug".into(), json!(slug));
            d.insert("level_before".into(), json!(before));
            d.insert("level_after".into(), json!(after));
        }
        events.push(NewEvent {
            private_to: None,
            event_type,
            severity,
            subject: Target::Tool(ToolId(tool_id)).path(),
            data,
        });
    }
    Ok(events)
}

/// Publish the draft as the next immutable version, if the draft is still
/// at `expected_draft_revision`. Refused when the draft is identical to the
/// latest published version.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: AssessmentId,
    version_id: Uuid,
    expected_draft_revision: Option<i64>,
) -> StoreResult<VerdictVersion> {
    change::apply(conn, ctx, |conn| {
        let a = assessment::get(conn, id.uuid())?;
        check_precondition(&a, expected_draft_revision)?;
        crate::write::lock_tools(conn, &a.tool_ids)?;
        assessment::claim_draft(conn, &a)?;
        let draft = a
            .draft
            .clone()
            .ok_or(StoreError::Conflict(ConflictKind::NoDraft))?;
        draft.validate()?;
        let previous = verdict_version::latest_of_assessment(conn, id.uuid())?;
        let sha = draft.content.sha256();
        if previous.as_ref().is_some_and(|p| p.content_sha256 == sha) {
            return Err(StoreError::Conflict(ConflictKind::DraftUnchanged));
        }
        let version = VerdictVersion {
            id: version_id,
            assessment_id: id.uuid(),
            version: previous.as_ref().map_or(1, |p| p.version + 1),
            content: draft.content.clone(),
            change_note: draft.change_note.clone(),
            published_at: ctx.now,
            published_by: ctx.actor.sub.clone(),
            content_sha256: sha,
        };
        verdict_version::insert(conn, &version)?;
        assessment::mark_published(conn, id.uuid(), version.version, ctx.now)?;
        let diff = previous
            .as_ref()
            .map(|p| diff_verdicts(&p.content, &version.content));
        let data = json!({
            "assessment_id": id,
            "version": version.version,
            "level": version.content.level,
            "previous_version": previous.as_ref().map(|p| p.version),
            "change_note": version.change_note,
            "diff": diff,
        });
        let level = version.content.level;
        let first_has_conditions = !version.content.conditions.is_empty();
        let events = per_tool_events(
            conn,
            &a,
            EventType::VerdictPublished,
            &data,
            |before, _, _| {
                let severity = if level_lowered(before, level) {
                    Severity::Critical
                } else if let Some(d) = &diff {
                    d.severity()
                } else if first_has_conditions {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                Ok((severity, Some(level)))
            },
        )?;
        let mut events = events;
        events.extend(inventory::overtaken_acceptances(
            conn,
            ctx,
            &a.tool_ids,
            inventory::VerdictChange::Published,
        )?);
        let target = Target::VerdictVersion {
            assessment: id,
            version: version.version,
        };
        // The entry's state is the version itself, so `audit verify` can
        // hold every stored version to it.
        let change = Change::new(Action::Publish, target, &version)
            .with_events(events)
            .refreshing(&a.tool_ids);
        Ok((version, change))
    })
}

/// Withdraw an assessment: its verdicts stop being in force now.
pub fn withdraw(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: AssessmentId,
    reason: &str,
) -> StoreResult<Assessment> {
    let mut v = Violations::new();
    v.require_text("/reason", reason, toolreg_core::caps::WITHDRAWAL_REASON);
    v.into_result()?;
    change::apply(conn, ctx, |conn| {
        let a = assessment::get(conn, id.uuid())?;
        check_precondition(&a, None)?;
        crate::write::lock_tools(conn, &a.tool_ids)?;
        if !assessment::mark_withdrawn(conn, id.uuid(), &ctx.actor.sub, reason.trim(), ctx.now)? {
            return Err(StoreError::Conflict(ConflictKind::AlreadyWithdrawn));
        }
        // Only a published assessment was ever public, so only its
        // withdrawal is news.
        let events = if a.latest_version.is_some() {
            let data = json!({
                "assessment_id": id,
                "reason": reason.trim(),
                "last_version": a.latest_version,
            });
            per_tool_events(
                conn,
                &a,
                EventType::VerdictWithdrawn,
                &data,
                |_, conn, tool_id| {
                    let after = derived_facets::compute(conn, tool_id)?
                        .verdict_level
                        .and_then(|l| l.parse::<VerdictLevel>().ok());
                    Ok((Severity::Critical, after))
                },
            )?
        } else {
            Vec::new()
        };
        let mut events = events;
        events.extend(inventory::overtaken_acceptances(
            conn,
            ctx,
            &a.tool_ids,
            inventory::VerdictChange::Withdrawn,
        )?);
        let withdrawn = assessment::get(conn, id.uuid())?;
        let change = Change::new(Action::Withdraw, Target::Assessment(id), &withdrawn)
            .with_events(events)
            .refreshing(&a.tool_ids);
        Ok((withdrawn, change))
    })
}
