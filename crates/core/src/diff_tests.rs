//! Tests of `diff`.

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
