//! A municipality's own part, through the change pipeline: adding and
//! changing inventory entries, the local part, screening and acceptance
//! (each an audit entry; none announced, since they are private), reading
//! an entry with its computed state, and — inside the transaction that
//! publishes or withdraws a verdict — marking the entries whose acceptance
//! it overtakes, with one private event per entry for its organisation.

use crate::error::{ConflictKind, StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::event::NewEvent;
use crate::tables::{inventory, organisation, tool, verdict_version};
use crate::DbConnection;
use serde_json::json;
use std::collections::hash_map::{Entry, HashMap};
use toolreg_core::change::{Action, Target};
use toolreg_core::diff::diff_verdicts;
use toolreg_core::event::{EventType, Severity};
use toolreg_core::inventory::{
    entry_state, Acceptance, AcceptanceInput, EntryState, InventoryEntry, InventoryEntryView,
    InventoryInput, InventoryTool, LocalPart, RegistryFacts, VerdictRef,
};
use toolreg_core::screening::{Screening, ScreeningInput};
use toolreg_core::tool::ToolStatus;
use toolreg_core::verdict::VerdictVersion;
use toolreg_core::{Validate, Violations};
use uuid::Uuid;

fn target(e: &InventoryEntry) -> Target {
    Target::InventoryEntry {
        organisation: e.organisation_id,
        entry: e.id,
    }
}

fn recorded(action: Action, e: InventoryEntry) -> StoreResult<(InventoryEntry, Change)> {
    let change = Change::new(action, target(&e), &e);
    Ok((e, change))
}

/// A registry tool an entry names must exist, and be listed once per
/// organisation.
fn check_tool(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    tool: &InventoryTool,
) -> StoreResult<()> {
    let Some(tool_id) = tool.registry_id() else {
        return Ok(());
    };
    if tool::count_existing(conn, &[tool_id])? == 0 {
        return Err(StoreError::invalid(
            "/tool/tool_id",
            "finnes ikke i registeret",
        ));
    }
    if inventory::lists_tool(conn, organisation_id, tool_id)? {
        return Err(StoreError::Conflict(ConflictKind::AlreadyInInventory));
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    organisation_id: Uuid,
    input: &InventoryInput,
) -> StoreResult<InventoryEntry> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        check_tool(conn, organisation_id, &input.tool)?;
        let entry = InventoryEntry {
            id,
            organisation_id,
            input: input.clone(),
            local_part: LocalPart::default(),
            screening: None,
            acceptance: None,
            verdict_changed_at: None,
            proposed_at: None,
            version: 1,
            created_at: ctx.now,
            updated_at: ctx.now,
        };
        inventory::insert(conn, &entry)?;
        recorded(Action::InventoryCreate, entry)
    })
}

/// The entry, if still at `expected_version`.
fn current(
    conn: &mut DbConnection,
    organisation_id: Uuid,
    id: Uuid,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    let e = inventory::get(conn, organisation_id, id)?;
    if expected_version.is_some_and(|v| v != e.version) {
        return Err(StoreError::Stale);
    }
    Ok(e)
}

/// Change the entry by `edit` and store it as the next version.
fn revise(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    expected_version: Option<i32>,
    action: Action,
    edit: impl FnOnce(&mut DbConnection, &mut InventoryEntry) -> StoreResult<()>,
) -> StoreResult<InventoryEntry> {
    let unannounced =
        |conn: &mut DbConnection, e: &mut InventoryEntry| edit(conn, e).map(|()| Vec::new());
    revise_announcing(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        action,
        unannounced,
    )
}

/// The same, for a change that records events: `edit` gives them, made
/// from the entry as it will be stored.
fn revise_announcing(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    expected_version: Option<i32>,
    action: Action,
    edit: impl FnOnce(&mut DbConnection, &mut InventoryEntry) -> StoreResult<Vec<NewEvent>>,
) -> StoreResult<InventoryEntry> {
    change::apply(conn, ctx, |conn| {
        let mut e = current(conn, organisation_id, id, expected_version)?;
        e.version += 1;
        e.updated_at = ctx.now;
        let events = edit(conn, &mut e)?;
        inventory::replace(conn, &e)?;
        let change = Change::new(action, target(&e), &e).with_events(events);
        Ok((e, change))
    })
}

/// Replace what the municipality says about its use. The tool stays: a
/// local tool may become the registry's (once it is in), but one registry
/// tool never becomes another, since the local part belongs to its verdict.
pub fn update(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    input: &InventoryInput,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    input.validate()?;
    revise(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        Action::InventoryUpdate,
        |conn, e| {
            match (e.input.tool.registry_id(), input.tool.registry_id()) {
                (Some(before), Some(after)) if before != after => {
                    return Err(StoreError::invalid(
                        "/tool",
                        "en oppføring kan ikke bytte verktøy; legg til en ny oppføring",
                    ));
                }
                (None, Some(_)) => check_tool(conn, organisation_id, &input.tool)?,
                (Some(_), None) => {
                    return Err(StoreError::invalid(
                        "/tool",
                        "et verktøy fra registeret kan ikke bli lokalt",
                    ));
                }
                _ => {}
            }
            e.input = input.clone();
            Ok(())
        },
    )
}

/// The verdict in force for the entry's registry tool.
fn in_force(conn: &mut DbConnection, e: &InventoryEntry) -> StoreResult<Option<VerdictVersion>> {
    match e.input.tool.registry_id() {
        Some(tool_id) => verdict_version::current(conn, tool_id),
        None => Ok(None),
    }
}

fn reference(v: &VerdictVersion) -> VerdictRef {
    VerdictRef {
        assessment_id: v.assessment_id,
        version: v.version,
    }
}

/// Replace the local part. Every condition it follows up must be one of
/// the verdict in force (by its key), so nothing is recorded against a
/// condition no one reads any more.
pub fn set_local_part(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    local: &LocalPart,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    local.validate()?;
    revise(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        Action::InventoryLocalPart,
        |conn, e| {
            let verdict = in_force(conn, e)?;
            let keys: Vec<String> = verdict
                .iter()
                .flat_map(|v| v.content.conditions.iter().map(|c| c.identity()))
                .collect();
            let mut v = Violations::new();
            for (i, c) in local.conditions.iter().enumerate() {
                if !keys.contains(&c.key) {
                    v.push(
                        format!("/conditions/{i}/key"),
                        "ingen slikt vilkår i konklusjonen som gjelder nå",
                    );
                }
            }
            v.into_result()?;
            e.local_part = local.clone();
            Ok(())
        },
    )
}

/// Store a screening with its outcome.
pub fn screen(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    answers: &ScreeningInput,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    answers.validate()?;
    revise(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        Action::InventoryScreen,
        |_, e| {
            e.screening = Some(Screening {
                answers: answers.clone(),
                outcome: answers.outcome(),
                screened_at: ctx.now,
                screened_by: ctx.actor.sub.clone(),
            });
            Ok(())
        },
    )
}

/// A screening to start from: the stored one, or answers the registry's
/// facts support, with the verdict they came from.
pub fn screening_draft(
    conn: &mut DbConnection,
    e: &InventoryEntry,
) -> StoreResult<(ScreeningInput, Option<VerdictRef>)> {
    if let Some(s) = &e.screening {
        return Ok((s.answers.clone(), None));
    }
    let Some(tool_id) = e.input.tool.registry_id() else {
        return Ok((ScreeningInput::blank(), None));
    };
    let t = tool::get(conn, tool_id)?;
    let verdict = verdict_version::current(conn, tool_id)?;
    Ok((
        ScreeningInput::prefill(&t.input, verdict.as_ref().map(|v| &v.content)),
        verdict.as_ref().map(reference),
    ))
}

/// The controller accepts the verdict in force for local use: it must be
/// the version named, and every one of its conditions must have a status.
pub fn accept(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    input: &AcceptanceInput,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    input.validate()?;
    revise(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        Action::InventoryAccept,
        |conn, e| {
            let verdict = in_force(conn, e)?;
            let now = verdict.as_ref().map(reference);
            let named = VerdictRef {
                assessment_id: input.assessment_id,
                version: input.version,
            };
            if now != Some(named) {
                return Err(StoreError::Conflict(ConflictKind::NotInForce {
                    in_force: now.map(|r| (r.assessment_id, r.version)),
                }));
            }
            let missing = verdict
                .iter()
                .flat_map(|v| v.content.conditions.iter())
                .filter(|c| e.local_part.follow_up(&c.identity()).is_none())
                .count();
            if missing > 0 {
                return Err(StoreError::Conflict(ConflictKind::LocalPartIncomplete {
                    missing,
                }));
            }
            e.acceptance = Some(Acceptance {
                assessment_id: input.assessment_id,
                version: input.version,
                accepted_by_name: input.accepted_by_name.trim().to_string(),
                accepted_by_role: input.accepted_by_role.trim().to_string(),
                note: input.note.trim().to_string(),
                accepted_at: ctx.now,
                recorded_by: ctx.actor.sub.clone(),
            });
            e.verdict_changed_at = None;
            Ok(())
        },
    )
}

/// Propose the entry's local tool to the national reviewers: a private
/// event they (and the municipality) read, naming the tool and the use.
pub fn propose(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    organisation_id: Uuid,
    id: Uuid,
    expected_version: Option<i32>,
) -> StoreResult<InventoryEntry> {
    revise_announcing(
        conn,
        ctx,
        organisation_id,
        id,
        expected_version,
        Action::InventoryPropose,
        |conn, e| {
            let InventoryTool::Local {
                name,
                vendor_name,
                website,
            } = e.input.tool.clone()
            else {
                return Err(StoreError::Conflict(ConflictKind::NotProposable));
            };
            if e.proposed_at.is_some() {
                return Err(StoreError::Conflict(ConflictKind::NotProposable));
            }
            let organisation = organisation::get(conn, organisation_id)?;
            e.proposed_at = Some(ctx.now);
            Ok(vec![NewEvent {
                private_to: Some(organisation_id),
                event_type: EventType::InventoryToolProposed,
                severity: Severity::Info,
                subject: target(e).path(),
                data: json!({
                    "entry_id": e.id,
                    "organisation_id": organisation_id,
                    "organisation_name": organisation.name,
                    "name": name,
                    "vendor_name": vendor_name,
                    "website": website,
                    "purpose": e.input.purpose,
                }),
            }])
        },
    )
}

/// An entry with its tool's name, its computed state and, when the verdict
/// changed since the acceptance, the structured diff between the two.
pub fn view(conn: &mut DbConnection, entry: InventoryEntry) -> StoreResult<InventoryEntryView> {
    let (tool_name, tool_slug, vendor_name, discontinued) = match &entry.input.tool {
        InventoryTool::Registry { tool_id } => {
            let t = tool::get(conn, *tool_id)?;
            let vendor = organisation::get(conn, t.input.vendor_id)?;
            (
                t.input.name,
                Some(t.input.slug),
                vendor.name,
                t.input.status == ToolStatus::Discontinued,
            )
        }
        InventoryTool::Local {
            name, vendor_name, ..
        } => (name.clone(), None, vendor_name.clone(), false),
    };
    let verdict = in_force(conn, &entry)?;
    let facts = RegistryFacts {
        tool_discontinued: discontinued,
        in_force: verdict.as_ref().map(|v| (reference(v), &v.content)),
    };
    let state = entry_state(&facts, entry.acceptance.as_ref(), &entry.local_part);
    let changes = match (&entry.acceptance, &verdict) {
        (Some(a), Some(now)) if state.state == EntryState::ChangedSinceAcceptance => {
            let accepted = verdict_version::get(conn, a.assessment_id, a.version)?;
            Some(diff_verdicts(&accepted.content, &now.content))
        }
        _ => None,
    };
    Ok(InventoryEntryView {
        entry,
        tool_name,
        tool_slug,
        vendor_name,
        verdict_level: verdict.as_ref().map(|v| v.content.level),
        state,
        changes,
    })
}

/// Every entry of the organisation, as read.
pub fn views_of(
    conn: &mut DbConnection,
    organisation_id: Uuid,
) -> StoreResult<Vec<InventoryEntryView>> {
    inventory::all_of(conn, organisation_id)?
        .into_iter()
        .map(|e| view(conn, e))
        .collect()
}

/// Why a verdict changed, for the private events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictChange {
    Published,
    Withdrawn,
}

/// Inside a publishing or withdrawing change: mark the entries of `tool_ids`
/// whose accepted version is no longer the one in force, and announce each
/// to its own organisation only (the public event names no municipality).
pub fn overtaken_acceptances(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    tool_ids: &[Uuid],
    why: VerdictChange,
) -> StoreResult<Vec<NewEvent>> {
    let mut marked = Vec::new();
    let mut events = Vec::new();
    // Hundreds of municipalities may have accepted the same few versions of
    // the same few tools: each verdict is read once.
    let in_force = verdict_version::current_for_tools(conn, tool_ids)?;
    let mut accepted_versions: HashMap<VerdictRef, VerdictVersion> = HashMap::new();
    for e in inventory::accepted_for_tools(conn, tool_ids)? {
        let now = in_force.get(&e.tool_id);
        let accepted = VerdictRef {
            assessment_id: e.acceptance.assessment_id,
            version: e.acceptance.version,
        };
        if now.map(reference) == Some(accepted) {
            continue;
        }
        let diff = match now {
            Some(now) => {
                let before = match accepted_versions.entry(accepted) {
                    Entry::Occupied(v) => v.into_mut(),
                    Entry::Vacant(slot) => slot.insert(verdict_version::get(
                        conn,
                        accepted.assessment_id,
                        accepted.version,
                    )?),
                };
                Some(diff_verdicts(&before.content, &now.content))
            }
            None => None,
        };
        marked.push(e.id);
        events.push(NewEvent {
            private_to: Some(e.organisation_id),
            event_type: EventType::InventoryVerdictChanged,
            severity: Severity::Warning,
            subject: Target::InventoryEntry {
                organisation: e.organisation_id,
                entry: e.id,
            }
            .path(),
            data: json!({
                "tool_id": e.tool_id,
                "entry_id": e.id,
                "organisation_id": e.organisation_id,
                "reason": match why {
                    VerdictChange::Published => "published",
                    VerdictChange::Withdrawn => "withdrawn",
                },
                "accepted": accepted,
                "in_force": now.map(reference),
                "diff": diff,
            }),
        });
    }
    inventory::mark_verdict_changed(conn, &marked, ctx.now)?;
    Ok(events)
}
