//! A vendor's submission through triage: created and revised by the
//! vendor (for its own tools only), commented on by both sides, moved on
//! by a reviewer. Accepting applies it in the same transaction: a proposal
//! becomes a tool, product facts update the tool, a subprocessor list
//! becomes the tool's next revision (with its event). Every step is
//! audited.

use crate::error::{ConflictKind, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::event::NewEvent;
use crate::tables::{assessment, submission, subprocessor_revision, tool, verdict_version};
use crate::DbConnection;
use serde_json::json;
use toolreg_core::assessment::Assessment;
use toolreg_core::change::{Action, Target};
use toolreg_core::event::{EventType, Severity};
use toolreg_core::ids::AssessmentId;
use toolreg_core::ids::ToolId;
use toolreg_core::submission::{
    Comment, Party, Submission, SubmissionContent, SubmissionInput, SubmissionStatus,
    SubprocessorReview,
};
use toolreg_core::verdict::{ReviewedSubprocessors, VerdictDraft};
use toolreg_core::{Validate, Violations};
use uuid::Uuid;

/// A submission step, audited, with the private event that tells the
/// vendor and the reviewers of it.
fn recorded(action: Action, s: Submission, event: NewEvent) -> StoreResult<(Submission, Change)> {
    let change = Change::new(action, Target::Submission(s.id), &s).with_events(vec![event]);
    Ok((s, change))
}

/// The event of a step: private to the vendor's organisation (reviewers
/// and admins read every private event), about the submission, naming the
/// tool where there is one so subscriptions to it match.
fn step_event(
    s: &Submission,
    event_type: EventType,
    severity: Severity,
    extra: serde_json::Value,
) -> NewEvent {
    let mut data = json!({
        "submission_id": s.id,
        "kind": s.content.kind(),
        "status": s.status,
        "vendor_id": s.vendor_org_id,
        "tool_id": s.tool_id,
        "name": s.content.tool_name(),
    });
    if let (Some(data), serde_json::Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    NewEvent {
        event_type,
        severity,
        subject: Target::Submission(s.id).path(),
        data,
        private_to: Some(s.vendor_org_id),
    }
}

/// The text of the comment a step added, if it added one.
fn added_comment<'a>(before: &Submission, after: &'a Submission) -> Option<&'a str> {
    after
        .comments
        .get(before.comments.len())
        .map(|c| c.text.as_str())
}

/// The tool and any tool named in the content must be the vendor's own.
fn check_ownership(
    conn: &mut DbConnection,
    vendor: Uuid,
    input: &SubmissionInput,
) -> StoreResult<()> {
    if let Some(t) = input.tool_id {
        if tool::vendor_of(conn, t)? != vendor {
            return Err(StoreError::Conflict(ConflictKind::OtherVendorsTool));
        }
    }
    match &input.content {
        SubmissionContent::ToolProposal { tool } | SubmissionContent::ProductFacts { tool }
            if tool.vendor_id != vendor =>
        {
            Err(StoreError::invalid(
                "/content/tool/vendor_id",
                "må være din egen organisasjon",
            ))
        }
        _ => Ok(()),
    }
}

fn comment(ctx: &ChangeContext, party: Party, text: &str) -> Option<Comment> {
    let text = text.trim();
    (!text.is_empty()).then(|| Comment {
        at: ctx.now,
        by: ctx.actor.sub.clone(),
        party,
        text: text.to_string(),
    })
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    vendor: Uuid,
    input: &SubmissionInput,
) -> StoreResult<Submission> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        check_ownership(conn, vendor, input)?;
        let s = Submission {
            id,
            vendor_org_id: vendor,
            tool_id: input.tool_id,
            content: input.content.clone(),
            status: SubmissionStatus::Submitted,
            comments: comment(ctx, Party::Vendor, &input.comment)
                .into_iter()
                .collect(),
            created_at: ctx.now,
            updated_at: ctx.now,
        };
        submission::insert(conn, &s)?;
        let event = step_event(
            &s,
            EventType::SubmissionSubmitted,
            Severity::Info,
            json!({"revised": false, "text": s.comments.first().map(|c| &c.text)}),
        );
        recorded(Action::SubmissionCreate, s, event)
    })
}

/// The vendor sends a new version after changes were requested; it goes
/// back to `submitted`.
pub fn revise(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    input: &SubmissionInput,
) -> StoreResult<Submission> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        let current = submission::get(conn, id)?;
        if current.status != SubmissionStatus::ChangesRequested {
            return Err(StoreError::Conflict(
                ConflictKind::SubmissionNotOpenForRevision,
            ));
        }
        check_ownership(conn, current.vendor_org_id, input)?;
        let mut s = current.clone();
        s.tool_id = input.tool_id;
        s.content = input.content.clone();
        s.status = SubmissionStatus::Submitted;
        s.comments
            .extend(comment(ctx, Party::Vendor, &input.comment));
        s.updated_at = ctx.now;
        submission::replace_if_unchanged(conn, &s, current.updated_at)?;
        let event = step_event(
            &s,
            EventType::SubmissionSubmitted,
            Severity::Info,
            json!({"revised": true, "text": added_comment(&current, &s)}),
        );
        recorded(Action::SubmissionRevise, s, event)
    })
}

/// A comment from either side; a closed submission takes none.
pub fn add_comment(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    party: Party,
    text: &str,
) -> StoreResult<Submission> {
    let mut v = Violations::new();
    v.require_text("/text", text, toolreg_core::caps::COMMENT);
    v.into_result()?;
    change::apply(conn, ctx, |conn| {
        let current = submission::get(conn, id)?;
        if current.status.is_closed() {
            return Err(StoreError::Conflict(ConflictKind::SubmissionClosed));
        }
        let mut s = current.clone();
        s.comments.extend(comment(ctx, party, text));
        s.updated_at = ctx.now;
        submission::replace_if_unchanged(conn, &s, current.updated_at)?;
        let event = step_event(
            &s,
            EventType::SubmissionCommented,
            Severity::Info,
            json!({"party": party, "text": added_comment(&current, &s)}),
        );
        recorded(Action::SubmissionComment, s, event)
    })
}

/// A reviewer moves the submission on; accepting applies it.
pub fn triage(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    next: SubmissionStatus,
    note: &str,
) -> StoreResult<Submission> {
    change::apply(conn, ctx, |conn| {
        let current = submission::get(conn, id)?;
        if !current.status.may_become(next) {
            return Err(StoreError::Conflict(ConflictKind::SubmissionTransition {
                from: current.status.as_str(),
                to: next.as_str(),
            }));
        }
        let mut s = current.clone();
        if next == SubmissionStatus::Accepted {
            s.tool_id = Some(apply(conn, ctx, &current)?);
        }
        s.status = next;
        s.comments.extend(comment(ctx, Party::Reviewer, note));
        s.updated_at = ctx.now;
        submission::replace_if_unchanged(conn, &s, current.updated_at)?;
        // The vendor has something to do (or has lost its case): worth
        // following up, not only for information.
        let severity = match next {
            SubmissionStatus::ChangesRequested | SubmissionStatus::Rejected => Severity::Warning,
            _ => Severity::Info,
        };
        let event = step_event(
            &s,
            EventType::SubmissionStatusChanged,
            severity,
            json!({"previous_status": current.status, "text": added_comment(&current, &s)}),
        );
        recorded(Action::SubmissionTriage, s, event)
    })
}

/// Apply an accepted submission through the ordinary workflows (each
/// audited, the list with its event); returns the tool it concerns.
fn apply(conn: &mut DbConnection, ctx: &ChangeContext, s: &Submission) -> StoreResult<Uuid> {
    match (&s.content, s.tool_id) {
        (SubmissionContent::ToolProposal { tool }, _) => {
            let id = Uuid::now_v7();
            crate::ops::tool::create(conn, ctx, ToolId(id), tool, "reviewer")?;
            Ok(id)
        }
        (SubmissionContent::ProductFacts { tool }, Some(t)) => {
            crate::ops::tool::update(conn, ctx, ToolId(t), tool, None, "reviewer")?;
            Ok(t)
        }
        (SubmissionContent::SubprocessorList { list }, Some(t)) => {
            crate::ops::subprocessors::append(conn, ctx, Uuid::now_v7(), ToolId(t), list)?;
            Ok(t)
        }
        // Validation requires the tool for these; a stored one without it
        // cannot be applied.
        (_, None) => Err(StoreError::Conflict(ConflictKind::BrokenReference)),
    }
}

/// A submitted subprocessor list against the tool's current one.
pub fn review(conn: &mut DbConnection, s: &Submission) -> StoreResult<Option<SubprocessorReview>> {
    let (SubmissionContent::SubprocessorList { list }, Some(t)) = (&s.content, s.tool_id) else {
        return Ok(None);
    };
    let current = subprocessor_revision::latest(conn, t)?;
    Ok(Some(SubprocessorReview::new(
        current.as_ref().map(|r| (r.revision, &r.entries[..])),
        list,
    )))
}

/// A reviewer opens a re-assessment from a submission: the draft of its
/// organisation's newest published assessment of the tool, starting from
/// its draft or latest version, with the tool's current subprocessor list
/// as the one reviewed and a change note naming the submission.
pub fn reassessment_draft(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    reviewer_org: Uuid,
) -> StoreResult<Assessment> {
    let s = submission::get(conn, id)?;
    let tool_id = s
        .tool_id
        .ok_or(StoreError::Conflict(ConflictKind::NothingToReassess))?;
    let mut ours = Vec::new();
    for a in assessment::ids_for_tool(conn, tool_id)? {
        let a = assessment::get(conn, a)?;
        if a.reviewer_org_id == reviewer_org && a.withdrawal.is_none() && a.latest_version.is_some()
        {
            ours.push(a);
        }
    }
    let a = ours
        .into_iter()
        .max_by_key(|a| a.updated_at)
        .ok_or(StoreError::Conflict(ConflictKind::NothingToReassess))?;
    let mut draft = match &a.draft {
        Some(d) => d.clone(),
        None => {
            let latest = verdict_version::latest_of_assessment(conn, a.id)?
                .ok_or(StoreError::Conflict(ConflictKind::NothingToReassess))?;
            VerdictDraft {
                content: latest.content,
                change_note: String::new(),
            }
        }
    };
    let what = match &s.content {
        SubmissionContent::ToolProposal { .. } => "forslag om nytt verktøy",
        SubmissionContent::ProductFacts { .. } => "nye produktopplysninger",
        SubmissionContent::SubprocessorList { .. } => "ny underleverandørliste",
    };
    if let Some(current) = subprocessor_revision::latest_number(conn, tool_id)? {
        let reviewed = &mut draft.content.subprocessor_revisions;
        reviewed.retain(|r| r.tool_id != tool_id);
        reviewed.push(ReviewedSubprocessors {
            tool_id,
            revision: current,
        });
    }
    draft.change_note = format!(
        "Revurdering etter innsending {} fra leverandøren ({what}, {}).",
        s.id,
        s.status.as_str()
    );
    crate::ops::assessment::replace_draft(conn, ctx, AssessmentId(a.id), &draft, None)
}
