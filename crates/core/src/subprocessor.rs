//! Subprocessor chains ("subprocessor on subprocessor… the iceberg below the
//! surface"): one numbered revision per tool, entries linked to a parent to
//! any depth, with countries and the transfer mechanism for each.

use crate::caps;
use crate::country::CountryCode;
use crate::validation::{child, Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

crate::string_enum! {
    pub enum SubprocessorRole {
        SubProcessor => "sub_processor",
        IndependentController => "independent_controller",
        JointController => "joint_controller",
    }
}

crate::string_enum! {
    /// The legal ground for moving data to where the entry processes it.
    pub enum TransferMechanism {
        /// Processing stays inside the EEA: no transfer tool needed.
        Eea => "eea",
        Adequacy => "adequacy",
        Scc => "scc",
        Bcr => "bcr",
        /// EU–US Data Privacy Framework certification.
        Dpf => "dpf",
        Derogation => "derogation",
        Unknown => "unknown",
    }
}

/// One subprocessor in a revision. `id` is chosen by whoever writes the list
/// and identifies the same party across revisions, which is what makes
/// revisions comparable entry by entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorEntry {
    pub id: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub name: String,
    #[serde(default)]
    pub legal_id: Option<String>,
    pub country: String,
    pub role: SubprocessorRole,
    #[serde(default)]
    pub purpose: String,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::SUBPROCESSOR_DATA_CATEGORIES }, _, _>"
    )]
    pub data_categories: Vec<String>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::COUNTRIES }, _, _>"
    )]
    pub processing_countries: Vec<String>,
    pub transfer_mechanism: TransferMechanism,
}

/// The list a vendor or reviewer supplies for a new revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorRevisionInput {
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(
        deserialize_with = "crate::caps::at_most::<{ crate::caps::SUBPROCESSOR_ENTRIES }, _, _>"
    )]
    pub entries: Vec<SubprocessorEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorRevision {
    pub id: Uuid,
    pub tool_id: Uuid,
    pub revision: i32,
    pub note: String,
    pub source_url: Option<String>,
    pub entries: Vec<SubprocessorEntry>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl SubprocessorEntry {
    /// Countries where data is processed: the listed ones, or the entry's own
    /// country when none is listed.
    pub fn effective_processing_countries(&self) -> Vec<&str> {
        if self.processing_countries.is_empty() {
            vec![self.country.as_str()]
        } else {
            self.processing_countries
                .iter()
                .map(String::as_str)
                .collect()
        }
    }
}

impl Validate for SubprocessorRevisionInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.limit_text(&format!("{p}/note"), &self.note, caps::SUBPROCESSOR_NOTE);
        if let Some(u) = &self.source_url {
            if out.limit_text(&format!("{p}/source_url"), u, caps::URL) {
                out.check(
                    &format!("{p}/source_url"),
                    crate::validation::check_web_url(u),
                );
            }
        }
        let at = format!("{p}/entries");
        if out.limit_items(&at, self.entries.len(), caps::SUBPROCESSOR_ENTRIES) {
            validate_entries(&self.entries, &at, out);
        }
    }
}

/// Check entries: unique ids, parents that exist, no cycles, valid countries,
/// and no "eea" mechanism for processing outside the EEA.
pub fn validate_entries(entries: &[SubprocessorEntry], p: &str, out: &mut Violations) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let at = child(p, i);
        out.require_text(&format!("{at}/id"), &e.id, caps::SUBPROCESSOR_ID);
        out.require_text(&format!("{at}/name"), &e.name, caps::SUBPROCESSOR_NAME);
        out.limit_text(
            &format!("{at}/purpose"),
            &e.purpose,
            caps::SUBPROCESSOR_PURPOSE,
        );
        if let Some(legal) = &e.legal_id {
            out.limit_text(&format!("{at}/legal_id"), legal, caps::LEGAL_ID);
        }
        if let Some(parent) = &e.parent {
            out.limit_text(&format!("{at}/parent"), parent, caps::SUBPROCESSOR_ID);
        }
        out.each_within(
            &format!("{at}/data_categories"),
            &e.data_categories,
            caps::SUBPROCESSOR_DATA_CATEGORIES,
            |out, p, c| out.require_text(p, c, caps::DATA_CATEGORY),
        );
        if !out.limit_items(
            &format!("{at}/processing_countries"),
            e.processing_countries.len(),
            caps::COUNTRIES,
        ) {
            continue;
        }
        if seen.insert(e.id.as_str(), i).is_some() {
            out.push(
                format!("{at}/id"),
                format!("id «{}» er brukt før i listen", e.id),
            );
        }
        out.check(&format!("{at}/country"), CountryCode::parse(&e.country));
        let mut third = false;
        for (j, c) in e.processing_countries.iter().enumerate() {
            let code = out.check(
                &child(&format!("{at}/processing_countries"), j),
                CountryCode::parse(c),
            );
            third |= code.is_some_and(|c| c.is_third_country());
        }
        if e.processing_countries.is_empty() {
            third = CountryCode::parse(&e.country).is_ok_and(|c| c.is_third_country());
        }
        if third && e.transfer_mechanism == TransferMechanism::Eea {
            out.push(
                format!("{at}/transfer_mechanism"),
                "«eea» kan ikke brukes når data behandles utenfor EØS; oppgi overføringsgrunnlag eller «unknown»",
            );
        }
    }
    let by_id = index_by_id(entries);
    for (i, e) in entries.iter().enumerate() {
        if let Some(parent) = &e.parent {
            let at = format!("{}/parent", child(p, i));
            if parent == &e.id {
                out.push(at, "en underdatabehandler kan ikke være sin egen forelder");
            } else if !seen.contains_key(parent.as_str()) {
                out.push(at, format!("forelderen «{parent}» finnes ikke i listen"));
            } else if depth_of(&by_id, entries, i).is_none() {
                out.push(at, "kjeden av foreldre går i ring");
            }
        }
    }
}

fn index_by_id(entries: &[SubprocessorEntry]) -> HashMap<&str, &SubprocessorEntry> {
    entries.iter().map(|e| (e.id.as_str(), e)).collect()
}

/// Depth in the chain (1 for a direct subprocessor), `None` on a cycle or a
/// missing parent. The index is built once per list by the caller.
fn depth_of(
    by_id: &HashMap<&str, &SubprocessorEntry>,
    entries: &[SubprocessorEntry],
    index: usize,
) -> Option<u32> {
    let mut depth = 1;
    let mut current = &entries[index];
    while let Some(parent) = &current.parent {
        current = by_id.get(parent.as_str())?;
        depth += 1;
        if depth as usize > entries.len() {
            return None;
        }
    }
    Some(depth)
}

/// One entry placed in the tree, with what is derived from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorNode {
    #[serde(flatten)]
    pub entry: SubprocessorEntry,
    pub depth: u32,
    pub third_countries: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<SubprocessorNode>,
}

/// What a municipality needs at a glance from the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorSummary {
    pub entry_count: usize,
    pub max_depth: u32,
    /// Every country outside the EEA where some entry processes data.
    pub third_countries: Vec<String>,
    /// Ids of entries with an unknown transfer mechanism.
    pub unknown_transfers: Vec<String>,
    /// Ids of entries processing outside the EEA.
    pub third_country_entries: Vec<String>,
}

fn third_countries_of(e: &SubprocessorEntry) -> Vec<String> {
    let mut set: BTreeSet<String> = BTreeSet::new();
    for c in e.effective_processing_countries() {
        if CountryCode::parse(c).is_ok_and(|c| c.is_third_country()) {
            set.insert(c.to_ascii_uppercase());
        }
    }
    set.into_iter().collect()
}

/// Build the tree (roots are entries without a parent), keeping list order.
pub fn build_tree(entries: &[SubprocessorEntry]) -> Vec<SubprocessorNode> {
    fn children_of(
        entries: &[SubprocessorEntry],
        parent: Option<&str>,
        depth: u32,
    ) -> Vec<SubprocessorNode> {
        // Depth is bounded by the entry count so a cycle cannot recurse forever.
        if depth as usize > entries.len() {
            return Vec::new();
        }
        entries
            .iter()
            .filter(|e| e.parent.as_deref() == parent)
            .map(|e| SubprocessorNode {
                entry: e.clone(),
                depth,
                third_countries: third_countries_of(e),
                children: children_of(entries, Some(&e.id), depth + 1),
            })
            .collect()
    }
    children_of(entries, None, 1)
}

/// Whether any entry of the chain sends data to a third country: the one
/// definition behind the `third_country` list facet, the stored column and
/// the search filter.
pub fn transfers_to_third_country(entries: &[SubprocessorEntry]) -> bool {
    entries.iter().any(|e| !third_countries_of(e).is_empty())
}

pub fn summarise(entries: &[SubprocessorEntry]) -> SubprocessorSummary {
    let mut third: BTreeSet<String> = BTreeSet::new();
    let mut third_entries = Vec::new();
    let mut unknown = Vec::new();
    let mut max_depth = 0;
    let by_id = index_by_id(entries);
    for (i, e) in entries.iter().enumerate() {
        let t = third_countries_of(e);
        if !t.is_empty() {
            third_entries.push(e.id.clone());
        }
        third.extend(t);
        if e.transfer_mechanism == TransferMechanism::Unknown {
            unknown.push(e.id.clone());
        }
        max_depth = max_depth.max(depth_of(&by_id, entries, i).unwrap_or(0));
    }
    SubprocessorSummary {
        entry_count: entries.len(),
        max_depth,
        third_countries: third.into_iter().collect(),
        unknown_transfers: unknown,
        third_country_entries: third_entries,
    }
}

#[cfg(test)]
#[path = "subprocessor_tests.rs"]
pub(crate) mod tests;
