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
mod tests {
    use super::*;
    use crate::condition::Audience;
    use crate::data_flow::{DataSubject, LegalBasis};
    use crate::finding::tests::finding;
    use crate::verdict::tests::content;
    use uuid::Uuid;

    fn flow(category: &str, countries: &[&str]) -> DataFlow {
        DataFlow {
            data_category: category.into(),
            subjects: vec![DataSubject::Pupils],
            purpose: "Undervisning".into(),
            storage_countries: countries.iter().map(|c| c.to_string()).collect(),
            retention: "Til kontoen slettes".into(),
            recipients: vec![],
            legal_basis: LegalBasis::PublicTask,
            vendor_own_purposes: false,
        }
    }

    #[test]
    fn identical_versions_have_an_empty_diff() {
        let a = content(VerdictLevel::Approved);
        assert!(diff_verdicts(&a, &a.clone()).is_empty());
    }

    #[test]
    fn severity_reflects_direction_of_change() {
        let better = diff_verdicts(
            &content(VerdictLevel::NotRecommended),
            &content(VerdictLevel::ApprovedWithConditions),
        );
        assert_eq!(better.severity(), Severity::Info);
        let worse = diff_verdicts(
            &content(VerdictLevel::Approved),
            &content(VerdictLevel::NotRecommended),
        );
        assert_eq!(worse.severity(), Severity::Critical);
        let mut wording = content(VerdictLevel::Approved);
        wording.summary = "Ny ordlyd".into();
        assert_eq!(
            diff_verdicts(&content(VerdictLevel::Approved), &wording).severity(),
            Severity::Info
        );
        let mut riskier = content(VerdictLevel::Approved);
        riskier.findings[0].residual_likelihood = 4; // residual score rose
        assert_eq!(
            diff_verdicts(&content(VerdictLevel::Approved), &riskier).severity(),
            Severity::Warning
        );
        let mut safer = content(VerdictLevel::Approved);
        safer.findings[0].residual_likelihood = 1;
        assert_eq!(
            diff_verdicts(&content(VerdictLevel::Approved), &safer).severity(),
            Severity::Info
        );
        assert!(level_lowered(
            Some(VerdictLevel::Approved),
            VerdictLevel::NotAssessed
        ));
        assert!(!level_lowered(None, VerdictLevel::NotRecommended));
    }

    #[test]
    fn level_change_from_not_recommended_to_conditional() {
        let a = content(VerdictLevel::NotRecommended);
        let b = content(VerdictLevel::ApprovedWithConditions);
        let d = diff_verdicts(&a, &b);
        assert_eq!(
            d.level,
            Some(Change {
                from: VerdictLevel::NotRecommended,
                to: VerdictLevel::ApprovedWithConditions
            })
        );
        assert!(d.findings_changed.is_empty());
    }

    #[test]
    fn findings_added_removed_and_rescored() {
        let a = content(VerdictLevel::ApprovedWithConditions);
        let mut b = a.clone();
        b.findings.remove(1); // R2 removed
        b.findings[0].likelihood = 2; // R1: 4x4=16 high -> 2x4=8 medium
        b.findings.push(finding("R3", 1, 2));
        let d = diff_verdicts(&a, &b);
        assert_eq!(
            d.findings_removed
                .iter()
                .map(|f| f.reference.as_str())
                .collect::<Vec<_>>(),
            ["R2"]
        );
        assert_eq!(
            d.findings_added
                .iter()
                .map(|f| f.reference.as_str())
                .collect::<Vec<_>>(),
            ["R3"]
        );
        let r1 = &d.findings_changed[0];
        assert_eq!(r1.reference, "R1");
        assert_eq!(r1.changed_fields, ["likelihood"]);
        let risk = r1
            .risk
            .clone()
            .map(|c| (c.from.score, c.from.level, c.to.score, c.to.level));
        assert_eq!(risk, Some((16, RiskLevel::High, 8, RiskLevel::Medium)));
        assert_eq!(r1.residual_risk, None);
    }

    #[test]
    fn conditions_matched_by_setting_key() {
        let a = content(VerdictLevel::ApprovedWithConditions);
        let mut b = a.clone();
        b.conditions[0].text = "Slå av alle tilleggstjenester i Admin".into();
        b.conditions.push(Condition {
            text: "Elever skal ikke laste opp bilder av andre".into(),
            audience: Audience::Pupil,
            setting_key: None,
            mandatory: false,
        });
        let d = diff_verdicts(&a, &b);
        assert_eq!(d.conditions_changed.len(), 1);
        assert_eq!(
            d.conditions_changed[0].identity,
            "setting:additional_services_off"
        );
        assert_eq!(d.conditions_added.len(), 1);
        assert!(d.conditions_removed.is_empty());
    }

    #[test]
    fn data_flows_and_subprocessor_revision_changes() {
        let mut a = content(VerdictLevel::Approved);
        a.data_flows = vec![flow("Navn", &["IE"]), flow("Lydopptak", &["US"])];
        let tool = Uuid::nil();
        a.subprocessor_revisions = vec![ReviewedSubprocessors {
            tool_id: tool,
            revision: 1,
        }];
        let mut b = a.clone();
        b.data_flows = vec![flow("Navn", &["IE", "US"])];
        b.subprocessor_revisions = vec![ReviewedSubprocessors {
            tool_id: tool,
            revision: 2,
        }];
        let d = diff_verdicts(&a, &b);
        assert_eq!(d.data_flows_removed.len(), 1);
        assert_eq!(
            d.data_flows_changed[0].changed_fields,
            ["storage_countries"]
        );
        let revs = d
            .subprocessor_revisions
            .map(|c| (c.from[0].revision, c.to[0].revision));
        assert_eq!(revs, Some((1, 2)));
    }
}
