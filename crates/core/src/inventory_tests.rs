use super::*;
use crate::condition::{Audience, Condition};
use crate::verdict::{VerdictContent, VerdictLevel};

fn verdict(conditions: &[&str]) -> VerdictContent {
    VerdictContent {
        level: VerdictLevel::ApprovedWithConditions,
        summary: "Kan brukes med vilkår".into(),
        rationale: String::new(),
        conditions: conditions
            .iter()
            .map(|t| Condition {
                text: (*t).into(),
                audience: Audience::SchoolOwner,
                setting_key: None,
                mandatory: true,
            })
            .collect(),
        findings: Vec::new(),
        data_flows: Vec::new(),
        subprocessor_revisions: Vec::new(),
        review_due: None,
    }
}

fn acceptance(assessment_id: Uuid, version: i32) -> Acceptance {
    Acceptance {
        assessment_id,
        version,
        accepted_by_name: "Kari Nordmann".into(),
        accepted_by_role: "kommunalsjef oppvekst".into(),
        note: String::new(),
        accepted_at: Utc::now(),
        recorded_by: "kari".into(),
    }
}

fn done(keys: &[&str]) -> LocalPart {
    LocalPart {
        conditions: keys
            .iter()
            .map(|k| ConditionFollowUp {
                key: format!("text:{k}"),
                status: ConditionStatus::Done,
                note: String::new(),
                evidence: String::new(),
            })
            .collect(),
        ..LocalPart::default()
    }
}

#[test]
fn the_state_follows_the_registry_and_the_local_part() {
    let a = Uuid::from_u128(1);
    let v3 = verdict(&["Slå av tilleggstjenester", "Bruk Feide"]);
    let r3 = VerdictRef {
        assessment_id: a,
        version: 3,
    };
    let in_force = |content| RegistryFacts {
        tool_discontinued: false,
        in_force: Some((r3, content)),
    };
    let state = |facts: &RegistryFacts<'_>, acc: Option<&Acceptance>, local: &LocalPart| {
        entry_state(facts, acc, local).state
    };
    let none = RegistryFacts {
        tool_discontinued: false,
        in_force: None,
    };
    assert_eq!(
        state(&none, None, &LocalPart::default()),
        EntryState::NoNationalVerdict
    );
    let facts = in_force(&v3);
    let half = done(&["Bruk Feide"]);
    let report = entry_state(&facts, None, &half);
    assert_eq!(report.state, EntryState::LocalPartIncomplete);
    assert_eq!(report.conditions_missing, 1);
    assert_eq!(report.conditions.len(), 2);
    let all = done(&["Slå av tilleggstjenester", "Bruk Feide"]);
    // Every condition followed up, but no one has accepted yet.
    assert_eq!(state(&facts, None, &all), EntryState::LocalPartIncomplete);
    let accepted = acceptance(a, 3);
    assert_eq!(state(&facts, Some(&accepted), &all), EntryState::Ready);
    // A newer version is in force: changed, whatever the local part says.
    let v4 = verdict(&["Slå av tilleggstjenester", "Bruk Feide", "Ny"]);
    let newer = RegistryFacts {
        tool_discontinued: false,
        in_force: Some((
            VerdictRef {
                assessment_id: a,
                version: 4,
            },
            &v4,
        )),
    };
    let report = entry_state(&newer, Some(&accepted), &all);
    assert_eq!(report.state, EntryState::ChangedSinceAcceptance);
    assert_eq!(report.conditions_missing, 1);
    // The accepted verdict withdrawn and none in force: still changed.
    assert_eq!(
        state(&none, Some(&accepted), &all),
        EntryState::ChangedSinceAcceptance
    );
    let gone = RegistryFacts {
        tool_discontinued: true,
        in_force: Some((r3, &v3)),
    };
    assert_eq!(
        state(&gone, Some(&accepted), &all),
        EntryState::ToolWithdrawn
    );
}

fn input() -> InventoryInput {
    serde_json::from_value(serde_json::json!({
        "tool": {"kind": "registry", "tool_id": Uuid::from_u128(7)},
        "purpose": "Samskriving og innlevering",
        "agreement": {"status": "none"},
        "owner": "Oppvekstsjefen",
        "status": "in_use"
    }))
    .expect("a minimal entry reads")
}

#[test]
fn the_legal_basis_defaults_to_public_task_under_the_education_act() {
    let i = input();
    assert_eq!(i.legal_basis, LegalBasis::PublicTask);
    assert!(i.supplementary_basis.starts_with("Opplæringslova"));
    assert!(i.all_schools);
    assert_eq!(i.validate(), Ok(()));
}

#[test]
fn bad_entries_name_their_fields() {
    let mut i = input();
    i.all_schools = false;
    i.grades = vec![0, 14, 5, 5];
    i.purpose = " ".into();
    let pointers: Vec<String> = i
        .validate()
        .err()
        .map(|v| v.iter().map(|x| x.pointer.clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        pointers,
        [
            "/schools",
            "/grades/0",
            "/grades/1",
            "/grades/3",
            "/purpose"
        ]
    );
}

#[test]
fn local_risks_are_scored_and_checked_like_findings() {
    let part: LocalPart = serde_json::from_value(serde_json::json!({
        "risks": [{"title": "Lærere deler lenker åpent", "likelihood": 4, "consequence": 3,
                   "residual_likelihood": 2, "residual_consequence": 6}]
    }))
    .expect("reads");
    assert_eq!(part.risks[0].inherent_risk().score, 12);
    let pointers: Vec<String> = part
        .validate()
        .err()
        .map(|v| v.iter().map(|x| x.pointer.clone()).collect())
        .unwrap_or_default();
    assert_eq!(pointers, ["/risks/0/residual_consequence"]);
}
