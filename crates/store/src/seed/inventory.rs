//! Sample inventories: municipalities' own lists of tools, with local parts,
//! screenings and acceptances as they would stand after months of use —
//! including acceptances of versions that have since been replaced or
//! withdrawn, which no request could make today. Loaded after the registry
//! part of the seed, in the same transaction, skipping entries that exist.

use super::format::SeedInventoryEntry;
use super::resolve::{seed_id, SeedError};
use crate::connection::DbConnection;
use crate::tables::{inventory, tool, verdict_version};
use chrono::{DateTime, Utc};
use toolreg_core::inventory::{
    Acceptance, ConditionFollowUp, ConditionStatus, EntryState, InventoryEntry, InventoryInput,
    InventoryTool, LocalPart,
};
use toolreg_core::screening::{Screening, ScreeningInput};
use toolreg_core::{Validate, Violations};

fn invalid(at: String, message: impl Into<String>) -> SeedError {
    SeedError::Invalid(Violations::one(at, message))
}

/// The entry a seed object describes, with the registry as it now stands.
fn entry(
    conn: &mut DbConnection,
    s: &SeedInventoryEntry,
    at: &str,
) -> Result<InventoryEntry, SeedError> {
    let tool = match (&s.tool, &s.local_tool) {
        (Some(slug), None) => InventoryTool::Registry {
            tool_id: seed_id("tool", slug),
        },
        (None, Some(local)) => local.clone(),
        _ => {
            return Err(invalid(
                format!("{at}/tool"),
                "oppgi enten tool eller local_tool",
            ))
        }
    };
    let mut details = s.details.clone();
    details.insert(
        "tool".into(),
        serde_json::to_value(&tool).unwrap_or_default(),
    );
    let input: InventoryInput = serde_json::from_value(serde_json::Value::Object(details))
        .map_err(|e| invalid(format!("{at}/details"), e.to_string()))?;
    input.validate().map_err(SeedError::Invalid)?;
    let mut local_part = LocalPart {
        conditions: Vec::new(),
        settings: s.settings.clone(),
        risks: s.risks.clone(),
    };
    if let Some(of) = &s.conditions_of {
        let v = verdict_version::get(conn, seed_id("assessment", &of.assessment), of.version)?;
        let count = of.followed_up.unwrap_or(v.content.conditions.len());
        local_part.conditions = v
            .content
            .conditions
            .iter()
            .take(count)
            .map(|c| ConditionFollowUp {
                key: c.identity(),
                status: if c.mandatory {
                    ConditionStatus::Done
                } else {
                    ConditionStatus::NotApplicable
                },
                note: String::new(),
                evidence: if c.setting_key.is_some() {
                    "Skjermbilde av innstillingen i saksarkivet".into()
                } else {
                    String::new()
                },
            })
            .collect();
    }
    local_part.validate().map_err(SeedError::Invalid)?;
    let screening = if s.screened {
        let answers = match input.tool.registry_id() {
            Some(tool_id) => {
                let t = tool::get(conn, tool_id)?;
                let v = verdict_version::current(conn, tool_id)?;
                ScreeningInput::prefill(&t.input, v.as_ref().map(|v| &v.content))
            }
            None => ScreeningInput::blank(),
        };
        Some(Screening {
            outcome: answers.outcome(),
            answers,
            screened_at: s.created_at,
            screened_by: "eksempeldata".into(),
        })
    } else {
        None
    };
    let acceptance = s.acceptance.as_ref().map(|a| Acceptance {
        assessment_id: seed_id("assessment", &a.assessment),
        version: a.version,
        accepted_by_name: a.accepted_by_name.clone(),
        accepted_by_role: a.accepted_by_role.clone(),
        note: String::new(),
        accepted_at: a.accepted_at,
        recorded_by: "eksempeldata".into(),
    });
    Ok(InventoryEntry {
        id: seed_id("inventory", &s.key),
        organisation_id: seed_id("organisation", &s.organisation),
        input,
        local_part,
        screening,
        acceptance,
        verdict_changed_at: None,
        proposed_at: None,
        version: 1,
        created_at: s.created_at,
        updated_at: s.created_at,
    })
}

/// Insert the entries not there yet; how many were inserted.
pub(crate) fn load(
    conn: &mut DbConnection,
    entries: &[SeedInventoryEntry],
    now: DateTime<Utc>,
) -> Result<usize, SeedError> {
    let mut inserted = 0;
    for (i, s) in entries.iter().enumerate() {
        let at = format!("{}#/inventories/{i}", super::format::INVENTORIES);
        let organisation = seed_id("organisation", &s.organisation);
        if inventory::get(conn, organisation, seed_id("inventory", &s.key)).is_ok() {
            continue;
        }
        let mut e = entry(conn, s, &at)?;
        // An acceptance the registry has moved past is marked as the
        // publishing or withdrawing change would have marked it.
        let view = crate::ops::inventory::view(conn, e.clone())?;
        if view.state.state == EntryState::ChangedSinceAcceptance {
            let since = match view.state.in_force {
                Some(r) => verdict_version::get(conn, r.assessment_id, r.version)?.published_at,
                None => now,
            };
            e.verdict_changed_at = Some(since);
        }
        inventory::insert(conn, &e)?;
        inserted += 1;
    }
    Ok(inserted)
}
