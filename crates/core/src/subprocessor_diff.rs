//! Entry-by-entry comparison of two subprocessor revisions.

use crate::diff::Change;
use crate::subprocessor::{summarise, SubprocessorEntry, TransferMechanism};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryChange {
    pub id: String,
    pub name: String,
    pub country: Option<Change<String>>,
    pub transfer_mechanism: Option<Change<TransferMechanism>>,
    pub parent: Option<Change<Option<String>>>,
    pub processing_countries: Option<Change<Vec<String>>>,
    /// Other fields that differ (name, role, purpose, data_categories, legal_id).
    pub other_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorDiff {
    pub added: Vec<SubprocessorEntry>,
    pub removed: Vec<SubprocessorEntry>,
    pub changed: Vec<EntryChange>,
    /// Third countries that appear in the new revision and not the old one.
    pub third_countries_added: Vec<String>,
    pub third_countries_removed: Vec<String>,
}

impl SubprocessorDiff {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Critical when data newly goes to a third country, a warning when a
    /// subprocessor was added, otherwise informational.
    pub fn severity(&self) -> crate::event::Severity {
        use crate::event::Severity;
        if !self.third_countries_added.is_empty() {
            Severity::Critical
        } else if !self.added.is_empty() {
            Severity::Warning
        } else {
            Severity::Info
        }
    }
}

fn change<T: PartialEq + Clone>(from: &T, to: &T) -> Option<Change<T>> {
    (from != to).then(|| Change {
        from: from.clone(),
        to: to.clone(),
    })
}

fn entry_change(a: &SubprocessorEntry, b: &SubprocessorEntry) -> EntryChange {
    let mut other = Vec::new();
    for (name, differs) in [
        ("name", a.name != b.name),
        ("legal_id", a.legal_id != b.legal_id),
        ("role", a.role != b.role),
        ("purpose", a.purpose != b.purpose),
        ("data_categories", a.data_categories != b.data_categories),
    ] {
        if differs {
            other.push(name.to_string());
        }
    }
    EntryChange {
        id: b.id.clone(),
        name: b.name.clone(),
        country: change(&a.country, &b.country),
        transfer_mechanism: change(&a.transfer_mechanism, &b.transfer_mechanism),
        parent: change(&a.parent, &b.parent),
        processing_countries: change(&a.processing_countries, &b.processing_countries),
        other_fields: other,
    }
}

pub fn diff_subprocessors(
    from: &[SubprocessorEntry],
    to: &[SubprocessorEntry],
) -> SubprocessorDiff {
    let old: HashMap<&str, &SubprocessorEntry> = from.iter().map(|e| (e.id.as_str(), e)).collect();
    let new: HashMap<&str, &SubprocessorEntry> = to.iter().map(|e| (e.id.as_str(), e)).collect();
    let old_third = summarise(from).third_countries;
    let new_third = summarise(to).third_countries;
    SubprocessorDiff {
        added: to
            .iter()
            .filter(|e| !old.contains_key(e.id.as_str()))
            .cloned()
            .collect(),
        removed: from
            .iter()
            .filter(|e| !new.contains_key(e.id.as_str()))
            .cloned()
            .collect(),
        changed: to
            .iter()
            .filter_map(|b| old.get(b.id.as_str()).map(|a| (*a, b)))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| entry_change(a, b))
            .collect(),
        third_countries_added: new_third
            .iter()
            .filter(|c| !old_third.contains(c))
            .cloned()
            .collect(),
        third_countries_removed: old_third
            .iter()
            .filter(|c| !new_third.contains(c))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subprocessor::tests::entry;
    use TransferMechanism::*;

    #[test]
    fn detects_added_removed_and_moved_entries() {
        let old = vec![
            entry("azure", None, "IE", Eea),
            entry("twilio", Some("azure"), "US", Scc),
            entry("zendesk", None, "IE", Eea),
        ];
        let mut moved = entry("twilio", None, "US", Dpf);
        moved.processing_countries = vec!["US".into(), "IN".into()];
        let new = vec![
            entry("azure", None, "IE", Eea),
            moved,
            entry("openai", Some("azure"), "US", Unknown),
        ];
        let d = diff_subprocessors(&old, &new);
        assert_eq!(
            d.added.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["openai"]
        );
        assert_eq!(
            d.removed.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["zendesk"]
        );
        assert_eq!(d.changed.len(), 1);
        let t = &d.changed[0];
        assert_eq!(t.transfer_mechanism, Some(Change { from: Scc, to: Dpf }));
        assert_eq!(
            t.parent,
            Some(Change {
                from: Some("azure".into()),
                to: None
            })
        );
        assert_eq!(t.country, None);
        assert!(t.other_fields.is_empty());
        assert_eq!(d.third_countries_added, ["IN"]);
        assert!(d.third_countries_removed.is_empty());
    }

    #[test]
    fn country_move_out_of_eea_is_reported() {
        let old = vec![entry("host", None, "DE", Eea)];
        let new = vec![entry("host", None, "US", Scc)];
        let d = diff_subprocessors(&old, &new);
        assert_eq!(
            d.changed[0].country,
            Some(Change {
                from: "DE".into(),
                to: "US".into()
            })
        );
        assert_eq!(d.third_countries_added, ["US"]);
        assert!(diff_subprocessors(&new, &new).is_empty());
    }
}
