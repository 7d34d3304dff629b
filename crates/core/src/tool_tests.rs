//! Tests of `tool`.

use super::*;

pub(crate) fn kahoot(vendor_id: Uuid) -> ToolInput {
    ToolInput {
        slug: "kahoot".into(),
        name: "Kahoot!".into(),
        vendor_id,
        summary: "Quiz".into(),
        website: Some("https://kahoot.com".into()),
        categories: vec!["quiz".into()],
        age_bands: vec![AgeBand::Grades5To7],
        login_methods: vec![LoginMethod::None, LoginMethod::Feide],
        platforms: vec![Platform::Web],
        pricing: Some(Pricing::Freemium),
        processes_personal_data: ProcessesPersonalData::Yes,
        personal_data_basis: vec![],
        feide_attributes: vec![FeideAttribute {
            attribute: "displayName".into(),
            justification: String::new(),
        }],
        ai_features: vec![],
        status: ToolStatus::Active,
    }
}

#[test]
fn finds_every_inconsistency() {
    let errs = kahoot(Uuid::nil()).validate().err().unwrap_or_default();
    let pointers: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/personal_data_basis",
            "/login_methods",
            "/feide_attributes/0/justification"
        ]
    );
}

#[test]
fn consistent_tool_is_valid() {
    let mut t = kahoot(Uuid::nil());
    t.login_methods = vec![LoginMethod::Feide];
    t.personal_data_basis = vec![PersonalDataBasis::Account, PersonalDataBasis::Ip];
    t.feide_attributes[0].justification = "Vise navn i quiz".into();
    assert_eq!(t.validate(), Ok(()));
}

#[test]
fn duplicate_and_malformed_categories_are_reported() {
    let mut t = kahoot(Uuid::nil());
    t.login_methods = vec![LoginMethod::Feide];
    t.personal_data_basis = vec![PersonalDataBasis::Account];
    t.feide_attributes.clear();
    t.categories = vec!["quiz".into(), "Quiz Tool".into(), "quiz".into()];
    let errs = t.validate().err().unwrap_or_default();
    let pointers: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, ["/categories/1", "/categories/2"]);
}

#[test]
fn unknown_login_method_is_a_parse_error() {
    let json = r#"{"slug":"x1","name":"X","vendor_id":"00000000-0000-0000-0000-000000000000",
        "processes_personal_data":"no","login_methods":["facebook"]}"#;
    let r: Result<ToolInput, _> = serde_json::from_str(json);
    assert!(r
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
        .contains("facebook"));
}
