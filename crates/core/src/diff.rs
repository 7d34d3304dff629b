//! Structured diff of two verdict versions: what a municipality needs to see
//! when a verdict changes, and what a notification says changed.

use crate::condition::Condition;
use crate::data_flow::DataFlow;
use crate::event::Severity;
use crate::finding::Finding;
use crate::risk::{Risk, RiskLevel};
use crate::verdict::{ReviewedSubprocessors, VerdictContent, VerdictLevel};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change<T> {
    pub from: T,
    pub to: T,
}

fn change<T: PartialEq + Clone>(from: &T, to: &T) -> Option<Change<T>> {
    (from != to).then(|| Change {
        from: from.clone(),
        to: to.clone(),
    })
}

/// A finding present in both versions whose content differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingChange {
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: String,
    /// Names of the fields that differ (`likelihood`, `measures`, …).
    pub changed_fields: Vec<String>,
    pub risk: Option<Change<Risk>>,
    pub residual_risk: Option<Change<Risk>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionChange {
    pub identity: String,
    pub from: Condition,
    pub to: Condition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataFlowChange {
    pub identity: String,
    pub changed_fields: Vec<String>,
    pub from: DataFlow,
    pub to: DataFlow,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictDiff {
    pub level: Option<Change<VerdictLevel>>,
    pub summary_changed: bool,
    pub rationale_changed: bool,
    pub review_due: Option<Change<Option<NaiveDate>>>,
    pub conditions_added: Vec<Condition>,
    pub conditions_removed: Vec<Condition>,
    pub conditions_changed: Vec<ConditionChange>,
    pub findings_added: Vec<Finding>,
    pub findings_removed: Vec<Finding>,
    pub findings_changed: Vec<FindingChange>,
    pub data_flows_added: Vec<DataFlow>,
    pub data_flows_removed: Vec<DataFlow>,
    pub data_flows_changed: Vec<DataFlowChange>,
    pub subprocessor_revisions: Option<Change<Vec<ReviewedSubprocessors>>>,
    pub highest_residual_risk: Option<Change<Option<RiskLevel>>>,
}

impl VerdictDiff {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// How serious the change is for a municipality already using the tool:
    /// critical when the verdict level went down; a warning when conditions
    /// were added or a finding's risk score rose (before or after measures);
    /// otherwise informational.
    pub fn severity(&self) -> Severity {
        if self
            .level
            .as_ref()
            .is_some_and(|c| level_lowered(Some(c.from), c.to))
        {
            return Severity::Critical;
        }
        let score_rose =
            |c: &Option<Change<Risk>>| c.as_ref().is_some_and(|c| c.to.score > c.from.score);
        let warn = !self.conditions_added.is_empty()
            || self
                .findings_changed
                .iter()
                .any(|f| score_rose(&f.risk) || score_rose(&f.residual_risk));
        if warn {
            Severity::Warning
        } else {
            Severity::Info
        }
    }
}

/// Whether moving from `before` (none: not assessed) to `after` lowers the
/// verdict a municipality relies on.
pub fn level_lowered(before: Option<VerdictLevel>, after: VerdictLevel) -> bool {
    level_rank(after) < level_rank(before.unwrap_or(VerdictLevel::NotAssessed))
}

/// Higher is better for the school owner; not_assessed ranks lowest because
/// it promises nothing.
fn level_rank(level: VerdictLevel) -> u8 {
    match level {
        VerdictLevel::NotAssessed => 0,
        VerdictLevel::NotRecommended => 1,
        VerdictLevel::ApprovedWithConditions => 2,
        VerdictLevel::Approved => 3,
    }
}

/// Pair up items of two lists by identity, keeping the order of `to` for
/// matches and additions and the order of `from` for removals.
struct Pairing<'a, T> {
    added: Vec<&'a T>,
    removed: Vec<&'a T>,
    both: Vec<(String, &'a T, &'a T)>,
}

fn pair<'a, T>(from: &'a [T], to: &'a [T], id: impl Fn(&T) -> String) -> Pairing<'a, T> {
    let old: BTreeMap<String, &T> = from.iter().map(|x| (id(x), x)).collect();
    let new: BTreeMap<String, &T> = to.iter().map(|x| (id(x), x)).collect();
    let mut out = Pairing {
        added: vec![],
        removed: vec![],
        both: vec![],
    };
    for x in to {
        let key = id(x);
        match old.get(&key) {
            Some(o) => out.both.push((key, *o, x)),
            None => out.added.push(x),
        }
    }
    out.removed = from.iter().filter(|x| !new.contains_key(&id(x))).collect();
    out
}

fn finding_fields(a: &Finding, b: &Finding) -> Vec<String> {
    let mut f = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            f.push(name.to_string());
        }
    };
    check("title", a.title != b.title);
    check("description", a.description != b.description);
    check("category", a.category != b.category);
    check("gdpr_articles", a.gdpr_articles != b.gdpr_articles);
    check("likelihood", a.likelihood != b.likelihood);
    check("consequence", a.consequence != b.consequence);
    check("measures", a.measures != b.measures);
    check(
        "residual_likelihood",
        a.residual_likelihood != b.residual_likelihood,
    );
    check(
        "residual_consequence",
        a.residual_consequence != b.residual_consequence,
    );
    check("treatment", a.treatment != b.treatment);
    check("provenance", a.provenance != b.provenance);
    f
}

fn data_flow_fields(a: &DataFlow, b: &DataFlow) -> Vec<String> {
    let mut f = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            f.push(name.to_string());
        }
    };
    check("subjects", a.subjects != b.subjects);
    check(
        "storage_countries",
        a.storage_countries != b.storage_countries,
    );
    check("retention", a.retention != b.retention);
    check("recipients", a.recipients != b.recipients);
    check("legal_basis", a.legal_basis != b.legal_basis);
    check(
        "vendor_own_purposes",
        a.vendor_own_purposes != b.vendor_own_purposes,
    );
    f
}

pub fn diff_verdicts(from: &VerdictContent, to: &VerdictContent) -> VerdictDiff {
    let conditions = pair(&from.conditions, &to.conditions, Condition::identity);
    let findings = pair(&from.findings, &to.findings, |f| f.reference.clone());
    let flows = pair(&from.data_flows, &to.data_flows, DataFlow::identity);
    let mut old_revisions = from.subprocessor_revisions.clone();
    let mut new_revisions = to.subprocessor_revisions.clone();
    old_revisions.sort();
    new_revisions.sort();
    VerdictDiff {
        level: change(&from.level, &to.level),
        summary_changed: from.summary != to.summary,
        rationale_changed: from.rationale != to.rationale,
        review_due: change(&from.review_due, &to.review_due),
        conditions_added: conditions.added.into_iter().cloned().collect(),
        conditions_removed: conditions.removed.into_iter().cloned().collect(),
        conditions_changed: conditions
            .both
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(identity, a, b)| ConditionChange {
                identity,
                from: a.clone(),
                to: b.clone(),
            })
            .collect(),
        findings_added: findings.added.into_iter().cloned().collect(),
        findings_removed: findings.removed.into_iter().cloned().collect(),
        findings_changed: findings
            .both
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(reference, a, b)| FindingChange {
                reference,
                title: b.title.clone(),
                changed_fields: finding_fields(a, b),
                risk: change(&a.inherent_risk(), &b.inherent_risk()),
                residual_risk: change(&a.residual_risk(), &b.residual_risk()),
            })
            .collect(),
        data_flows_added: flows.added.into_iter().cloned().collect(),
        data_flows_removed: flows.removed.into_iter().cloned().collect(),
        data_flows_changed: flows
            .both
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(identity, a, b)| DataFlowChange {
                identity,
                changed_fields: data_flow_fields(a, b),
                from: a.clone(),
                to: b.clone(),
            })
            .collect(),
        subprocessor_revisions: change(&old_revisions, &new_revisions),
        highest_residual_risk: change(&from.highest_residual_risk(), &to.highest_residual_risk()),
    }
}

#[cfg(test)]
#[path = "diff_tests.rs"]
mod tests;
