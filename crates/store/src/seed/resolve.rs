//! Turning seed files into validated domain objects: keys become
//! deterministic ids (UUIDv5, so every machine gets the same ids for the
//! same sample data), references are checked, and every problem is reported
//! with the file and JSON pointer where it is.

use super::format::{SeedAssessment, SeedSet, ASSESSMENTS, ORGANISATIONS, SUBPROCESSORS, TOOLS};
use crate::ops::bulk::BulkSet;
use std::collections::HashMap;
use toolreg_core::assessment::{Assessment, AssessmentStatus, Withdrawal};
use toolreg_core::organisation::OrganisationInput;
use toolreg_core::subprocessor::{SubprocessorRevision, SubprocessorRevisionInput};
use toolreg_core::tool::ToolInput;
use toolreg_core::validation::child;
use toolreg_core::verdict::{ReviewedSubprocessors, VerdictVersion};
use toolreg_core::{Validate, Violations};
use uuid::Uuid;

/// Namespace for seed ids.
const SEED_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2b7e_4d7a_4c55_9a2e_7d1b_0c3f_5e11);

/// The id a seed object gets: stable across machines and runs.
pub fn seed_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&SEED_NAMESPACE, format!("{kind}:{key}").as_bytes())
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("kan ikke lese {file}: {detail}")]
    Read { file: String, detail: String },
    #[error("{file} er ikke gyldig: {detail}")]
    Parse { file: String, detail: String },
    #[error("eksempeldataene har feil: {0}")]
    Invalid(Violations),
    #[error(transparent)]
    Store(#[from] crate::error::StoreError),
}

/// Read the text `key_field` of a JSON object, drop the fields in `drop`,
/// add those in `fill`, and parse the result strictly as `T`.
fn keyed<T: serde::de::DeserializeOwned>(
    object: &serde_json::Map<String, serde_json::Value>,
    key_field: &str,
    drop: &[&str],
    fill: &[(&str, serde_json::Value)],
    at: &str,
    out: &mut Violations,
) -> Option<(String, T)> {
    let mut rest = object.clone();
    for name in drop {
        rest.remove(*name);
    }
    let key = match object.get(key_field) {
        Some(serde_json::Value::String(k)) if !k.trim().is_empty() => k.clone(),
        _ => {
            out.push(format!("{at}/{key_field}"), "må fylles ut med en tekst");
            return None;
        }
    };
    for (name, value) in fill {
        rest.insert((*name).to_string(), value.clone());
    }
    match serde_json::from_value(serde_json::Value::Object(rest)) {
        Ok(v) => Some((key, v)),
        Err(e) => {
            out.push(at, e.to_string());
            None
        }
    }
}

fn validate_into(value: &impl Validate, at: &str, out: &mut Violations) {
    value.validate_at(at, out);
}

/// Everything resolved, plus the ids the loader needs to check for existence.
pub(crate) struct Resolved {
    pub set: BulkSet,
    pub org_numbers: HashMap<Uuid, String>,
}

pub(crate) fn resolve(seed: &SeedSet) -> Result<Resolved, SeedError> {
    let mut out = Violations::new();
    let mut set = BulkSet::default();
    let mut orgs: HashMap<String, Uuid> = HashMap::new();
    let mut org_numbers = HashMap::new();

    for (i, o) in seed.organisations.iter().enumerate() {
        let at = child(&format!("{ORGANISATIONS}#/organisations"), i);
        let Some((key, input)) = keyed::<OrganisationInput>(o, "key", &["key"], &[], &at, &mut out)
        else {
            continue;
        };
        validate_into(&input, &at, &mut out);
        let id = seed_id("organisation", &key);
        if orgs.insert(key.clone(), id).is_some() {
            out.push(
                format!("{at}/key"),
                format!("nøkkelen «{key}» er brukt før"),
            );
        }
        if let Some(n) = input.normalised_org_number() {
            org_numbers.insert(id, n);
        }
        set.organisations.push((id, input));
    }

    let mut tools: HashMap<String, Uuid> = HashMap::new();
    for (i, t) in seed.tools.iter().enumerate() {
        let at = child(&format!("{TOOLS}#/tools"), i);
        let vendor = t.get("vendor").and_then(|v| v.as_str()).unwrap_or_default();
        let Some(&vendor_id) = orgs.get(vendor) else {
            out.push(
                format!("{at}/vendor"),
                format!("leverandøren «{vendor}» finnes ikke i {ORGANISATIONS}"),
            );
            continue;
        };
        let fill = [("vendor_id", serde_json::json!(vendor_id))];
        let Some((slug, input)) = keyed::<ToolInput>(t, "slug", &["vendor"], &fill, &at, &mut out)
        else {
            continue;
        };
        validate_into(&input, &at, &mut out);
        let id = seed_id("tool", &slug);
        if tools.insert(slug.clone(), id).is_some() {
            out.push(format!("{at}/slug"), format!("slug «{slug}» er brukt før"));
        }
        set.tools.push((id, input));
    }

    let mut revisions: HashMap<(Uuid, i32), ()> = HashMap::new();
    for (i, s) in seed.subprocessors.iter().enumerate() {
        let at = child(&format!("{SUBPROCESSORS}#/tools"), i);
        let Some(&tool_id) = tools.get(&s.tool) else {
            out.push(
                format!("{at}/tool"),
                format!("verktøyet «{}» finnes ikke i {TOOLS}", s.tool),
            );
            continue;
        };
        for (n, r) in s.revisions.iter().enumerate() {
            let rat = child(&format!("{at}/revisions"), n);
            let input = SubprocessorRevisionInput {
                note: r.note.clone(),
                source_url: r.source_url.clone(),
                entries: r.entries.clone(),
            };
            validate_into(&input, &rat, &mut out);
            let number = n as i32 + 1;
            revisions.insert((tool_id, number), ());
            set.subprocessor_revisions.push(SubprocessorRevision {
                id: seed_id("subprocessors", &format!("{}:{number}", s.tool)),
                tool_id,
                revision: number,
                note: r.note.clone(),
                source_url: r.source_url.clone(),
                entries: r.entries.clone(),
                created_at: r.created_at,
                created_by: r.created_by.clone(),
            });
        }
    }

    let mut keys = HashMap::new();
    for (i, a) in seed.assessments.iter().enumerate() {
        let at = child(&format!("{ASSESSMENTS}#/assessments"), i);
        if keys.insert(a.key.clone(), ()).is_some() {
            out.push(
                format!("{at}/key"),
                format!("nøkkelen «{}» er brukt før", a.key),
            );
        }
        resolve_assessment(a, &at, &orgs, &tools, &revisions, &mut set, &mut out);
    }

    out.into_result().map_err(SeedError::Invalid)?;
    Ok(Resolved { set, org_numbers })
}

fn resolve_assessment(
    a: &SeedAssessment,
    at: &str,
    orgs: &HashMap<String, Uuid>,
    tools: &HashMap<String, Uuid>,
    revisions: &HashMap<(Uuid, i32), ()>,
    set: &mut BulkSet,
    out: &mut Violations,
) {
    let id = seed_id("assessment", &a.key);
    let reviewer_org_id = orgs.get(&a.reviewer).copied().unwrap_or_else(|| {
        out.push(
            format!("{at}/reviewer"),
            format!("organisasjonen «{}» finnes ikke", a.reviewer),
        );
        Uuid::nil()
    });
    let mut tool_ids = Vec::new();
    for (i, slug) in a.tools.iter().enumerate() {
        match tools.get(slug) {
            Some(t) => tool_ids.push(*t),
            None => out.push(
                child(&format!("{at}/tools"), i),
                format!("verktøyet «{slug}» finnes ikke"),
            ),
        }
    }
    let mut previous_time = a.created_at;
    let mut versions = Vec::new();
    for (n, v) in a.versions.iter().enumerate() {
        let vat = child(&format!("{at}/versions"), n);
        let mut content = v.verdict.clone();
        for (j, r) in v.reviewed_subprocessors.iter().enumerate() {
            let rat = child(&format!("{vat}/reviewed_subprocessors"), j);
            match tools.get(&r.tool) {
                Some(&tool_id) if revisions.contains_key(&(tool_id, r.revision)) => {
                    content.subprocessor_revisions.push(ReviewedSubprocessors {
                        tool_id,
                        revision: r.revision,
                    });
                }
                _ => out.push(
                    rat,
                    format!(
                        "revisjon {} for «{}» finnes ikke i {SUBPROCESSORS}",
                        r.revision, r.tool
                    ),
                ),
            }
        }
        validate_into(&content, &format!("{vat}/verdict"), out);
        if v.published_at < previous_time {
            out.push(
                format!("{vat}/published_at"),
                "versjoner må publiseres i rekkefølge, etter at vurderingen ble opprettet",
            );
        }
        previous_time = v.published_at;
        let number = n as i32 + 1;
        versions.push(VerdictVersion {
            id: seed_id("verdict", &format!("{}:{number}", a.key)),
            assessment_id: id,
            version: number,
            content_sha256: content.sha256(),
            content,
            change_note: v.change_note.clone(),
            published_at: v.published_at,
            published_by: v.published_by.clone(),
        });
    }
    let withdrawal = a.withdrawn.as_ref().map(|w| {
        if w.at < previous_time {
            out.push(
                format!("{at}/withdrawn/at"),
                "kan ikke trekkes tilbake før siste publisering",
            );
        }
        Withdrawal {
            at: w.at,
            by: w.by.clone(),
            reason: w.reason.clone(),
        }
    });
    // No draft means "nothing unpublished": editing starts from the latest
    // version.
    let draft = a.draft.clone();
    if let Some(d) = &a.draft {
        validate_into(d, &format!("{at}/draft"), out);
    }
    let status = match (&withdrawal, versions.is_empty()) {
        (Some(_), _) => AssessmentStatus::Withdrawn,
        (None, false) => AssessmentStatus::Published,
        (None, true) => AssessmentStatus::Draft,
    };
    let updated_at = withdrawal.as_ref().map_or(previous_time, |w| w.at);
    set.assessments.push(Assessment {
        id,
        kind: a.kind,
        title: a.title.clone(),
        tool_ids,
        reviewer_org_id,
        status,
        draft,
        draft_revision: 1,
        draft_updated_by: None,
        latest_version: versions.last().map(|v| v.version),
        withdrawal,
        created_at: a.created_at,
        updated_at,
    });
    set.verdicts.extend(versions);
}
