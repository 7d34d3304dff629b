//! Caps on every list and text a caller can send. One number per field,
//! used by validation (which checks a cap before looking inside, so the work
//! per request stays bounded) and by the OpenAPI document (`maxLength`,
//! `maxItems`), which reads them from [`FIELD_CAPS`] so the two cannot
//! disagree.

/// One cap on one property of one input schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// Characters in a text.
    Chars(usize),
    /// Entries in a list.
    Items(usize),
    /// Entries in a list of texts, and characters in each.
    ItemsOfChars(usize, usize),
}

#[derive(Debug, Clone, Copy)]
pub struct FieldCap {
    /// The schema's name in the OpenAPI document (the Rust type's name).
    pub schema: &'static str,
    pub field: &'static str,
    pub cap: Cap,
}

const fn cap(schema: &'static str, field: &'static str, cap: Cap) -> FieldCap {
    FieldCap { schema, field, cap }
}

// Tools.
pub const TOOL_SLUG: usize = 80;
pub const TOOL_NAME: usize = 200;
pub const TOOL_SUMMARY: usize = 4000;
pub const URL: usize = 500;
pub const TOOL_CATEGORIES: usize = 20;
pub const CATEGORY: usize = 40;
pub const FEIDE_ATTRIBUTES: usize = 50;
pub const FEIDE_ATTRIBUTE: usize = 100;
pub const JUSTIFICATION: usize = 1000;
pub const AI_FEATURES: usize = 20;
pub const AI_FEATURE_NAME: usize = 200;
pub const AI_FEATURE_DESCRIPTION: usize = 2000;

// Organisations.
pub const ORGANISATION_NAME: usize = 200;
pub const ORG_NUMBER: usize = 20;
pub const MUNICIPALITY_NUMBER: usize = 4;
pub const COUNTRY: usize = 2;

// Assessments and verdicts.
pub const ASSESSMENT_TITLE: usize = 300;
pub const ASSESSMENT_TOOLS: usize = 100;
pub const WITHDRAWAL_REASON: usize = 2000;
pub const VERDICT_SUMMARY: usize = 2000;
pub const VERDICT_RATIONALE: usize = 20_000;
pub const CHANGE_NOTE: usize = 4000;
pub const CONDITIONS: usize = 100;
pub const CONDITION_TEXT: usize = 2000;
pub const SETTING_KEY: usize = 120;
pub const FINDINGS: usize = 100;
pub const FINDING_REF: usize = 20;
pub const FINDING_TITLE: usize = 300;
pub const FINDING_DESCRIPTION: usize = 10_000;
pub const GDPR_ARTICLES: usize = 20;
pub const GDPR_ARTICLE: usize = 20;
pub const MEASURES: usize = 20;
pub const MEASURE_DESCRIPTION: usize = 2000;
pub const DATA_FLOWS: usize = 100;
pub const DATA_CATEGORY: usize = 200;
pub const PURPOSE: usize = 1000;
pub const RETENTION: usize = 1000;
pub const COUNTRIES: usize = 50;

// Subprocessor lists.
pub const SUBPROCESSOR_ENTRIES: usize = 500;
/// A subscription's scope and e-mail addresses.
pub const SCOPE_ITEMS: usize = 500;
pub const EMAIL_ADDRESSES: usize = 20;
pub const EMAIL_ADDRESS: usize = 254;
pub const SUBPROCESSOR_NOTE: usize = 2000;
// Documents.
pub const DOCUMENT_TITLE: usize = 300;
pub const DOCUMENT_SCOPE: usize = 1000;
/// A comment in a submission's thread (and its first note).
pub const COMMENT: usize = 2000;
// Answers to the requirement catalogue.
pub const ANSWERS: usize = 200;
pub const REQUIREMENT_ID: usize = 20;
pub const ANSWER_COMMENT: usize = 2000;
/// A file name as uploaded (longer ones are cut, not refused).
pub const DOCUMENT_FILENAME: usize = 255;
pub const SUBPROCESSOR_ID: usize = 100;
pub const SUBPROCESSOR_NAME: usize = 200;
pub const LEGAL_ID: usize = 50;
pub const SUBPROCESSOR_PURPOSE: usize = 2000;
pub const SUBPROCESSOR_DATA_CATEGORIES: usize = 50;
pub const RECIPIENTS: usize = 50;
pub const RECIPIENT: usize = 200;
pub const REVIEWED_REVISIONS: usize = 50;
// A municipality's inventory and local part.
pub const SCHOOLS: usize = 200;
pub const SCHOOL: usize = 200;
/// School years 1–13.
pub const GRADES: usize = 13;
pub const SUBJECTS: usize = 50;
pub const SUBJECT: usize = 100;
pub const SUPPLEMENTARY_BASIS: usize = 1000;
pub const INVENTORY_DATA_CATEGORIES: usize = 50;
pub const DOCUMENT_REFERENCE: usize = 200;
pub const OWNER: usize = 200;
/// A condition's key: `text:` and the condition's text at most.
pub const CONDITION_KEY: usize = CONDITION_TEXT + 5;
pub const LOCAL_NOTE: usize = 2000;
pub const EVIDENCE: usize = 1000;
pub const LOCAL_SETTINGS: usize = 100;
pub const SETTING_VALUE: usize = 500;
pub const LOCAL_RISKS: usize = 100;
pub const PERSON_NAME: usize = 200;
pub const ROLE_TITLE: usize = 200;

/// Every capped property of every input schema. Lists of closed vocabularies
/// (age bands, platforms…) are capped at the vocabulary's size, since
/// duplicates are refused anyway.
pub const FIELD_CAPS: &[FieldCap] = &[
    cap("ToolInput", "slug", Cap::Chars(TOOL_SLUG)),
    cap("ToolInput", "name", Cap::Chars(TOOL_NAME)),
    cap("ToolInput", "summary", Cap::Chars(TOOL_SUMMARY)),
    cap("ToolInput", "website", Cap::Chars(URL)),
    cap(
        "ToolInput",
        "categories",
        Cap::ItemsOfChars(TOOL_CATEGORIES, CATEGORY),
    ),
    cap(
        "ToolInput",
        "age_bands",
        Cap::Items(crate::tool::AgeBand::ALL.len()),
    ),
    cap(
        "ToolInput",
        "login_methods",
        Cap::Items(crate::tool::LoginMethod::ALL.len()),
    ),
    cap(
        "ToolInput",
        "platforms",
        Cap::Items(crate::tool::Platform::ALL.len()),
    ),
    cap(
        "ToolInput",
        "personal_data_basis",
        Cap::Items(crate::tool::PersonalDataBasis::ALL.len()),
    ),
    cap(
        "ToolInput",
        "feide_attributes",
        Cap::Items(FEIDE_ATTRIBUTES),
    ),
    cap("ToolInput", "ai_features", Cap::Items(AI_FEATURES)),
    cap("FeideAttribute", "attribute", Cap::Chars(FEIDE_ATTRIBUTE)),
    cap("FeideAttribute", "justification", Cap::Chars(JUSTIFICATION)),
    cap("AiFeature", "name", Cap::Chars(AI_FEATURE_NAME)),
    cap(
        "AiFeature",
        "description",
        Cap::Chars(AI_FEATURE_DESCRIPTION),
    ),
    cap("OrganisationInput", "name", Cap::Chars(ORGANISATION_NAME)),
    cap("OrganisationInput", "org_number", Cap::Chars(ORG_NUMBER)),
    cap(
        "OrganisationInput",
        "municipality_number",
        Cap::Chars(MUNICIPALITY_NUMBER),
    ),
    cap("OrganisationInput", "country", Cap::Chars(COUNTRY)),
    cap("OrganisationInput", "website", Cap::Chars(URL)),
    cap(
        "SubprocessorRevisionInput",
        "entries",
        Cap::Items(SUBPROCESSOR_ENTRIES),
    ),
    cap(
        "SubprocessorRevisionInput",
        "note",
        Cap::Chars(SUBPROCESSOR_NOTE),
    ),
    cap("SubprocessorRevisionInput", "source_url", Cap::Chars(URL)),
    cap("SubprocessorEntry", "id", Cap::Chars(SUBPROCESSOR_ID)),
    cap("SubprocessorEntry", "parent", Cap::Chars(SUBPROCESSOR_ID)),
    cap("SubprocessorEntry", "name", Cap::Chars(SUBPROCESSOR_NAME)),
    cap("SubprocessorEntry", "legal_id", Cap::Chars(LEGAL_ID)),
    cap("SubprocessorEntry", "country", Cap::Chars(COUNTRY)),
    cap(
        "SubprocessorEntry",
        "purpose",
        Cap::Chars(SUBPROCESSOR_PURPOSE),
    ),
    cap(
        "SubprocessorEntry",
        "data_categories",
        Cap::ItemsOfChars(SUBPROCESSOR_DATA_CATEGORIES, DATA_CATEGORY),
    ),
    cap(
        "SubprocessorEntry",
        "processing_countries",
        Cap::ItemsOfChars(COUNTRIES, COUNTRY),
    ),
    cap(
        "SubscriptionInput",
        "event_types",
        Cap::Items(crate::event::EventType::ALL.len()),
    ),
    cap("SubscriptionScope", "ids", Cap::Items(SCOPE_ITEMS)),
    cap(
        "SubscriptionScope",
        "categories",
        Cap::ItemsOfChars(SCOPE_ITEMS, CATEGORY),
    ),
    cap("Channel", "url", Cap::Chars(URL)),
    cap(
        "Channel",
        "addresses",
        Cap::ItemsOfChars(EMAIL_ADDRESSES, EMAIL_ADDRESS),
    ),
    cap("DocumentInput", "title", Cap::Chars(DOCUMENT_TITLE)),
    cap("AnswersInput", "answers", Cap::Items(ANSWERS)),
    cap("SubmissionInput", "comment", Cap::Chars(COMMENT)),
    cap("CommentInput", "text", Cap::Chars(COMMENT)),
    cap("TriageInput", "comment", Cap::Chars(COMMENT)),
    cap("AnswerInput", "requirement_id", Cap::Chars(REQUIREMENT_ID)),
    cap("AnswerInput", "comment", Cap::Chars(ANSWER_COMMENT)),
    cap("DocumentInput", "scope", Cap::Chars(DOCUMENT_SCOPE)),
    cap("AssessmentInput", "title", Cap::Chars(ASSESSMENT_TITLE)),
    cap("AssessmentInput", "tool_ids", Cap::Items(ASSESSMENT_TOOLS)),
    cap("WithdrawInput", "reason", Cap::Chars(WITHDRAWAL_REASON)),
    cap("VerdictContent", "summary", Cap::Chars(VERDICT_SUMMARY)),
    cap("VerdictContent", "rationale", Cap::Chars(VERDICT_RATIONALE)),
    cap("VerdictContent", "conditions", Cap::Items(CONDITIONS)),
    cap("VerdictContent", "findings", Cap::Items(FINDINGS)),
    cap("VerdictContent", "data_flows", Cap::Items(DATA_FLOWS)),
    cap(
        "VerdictContent",
        "subprocessor_revisions",
        Cap::Items(REVIEWED_REVISIONS),
    ),
    cap("VerdictDraft", "change_note", Cap::Chars(CHANGE_NOTE)),
    cap("Condition", "text", Cap::Chars(CONDITION_TEXT)),
    cap("Condition", "setting_key", Cap::Chars(SETTING_KEY)),
    cap("Finding", "ref", Cap::Chars(FINDING_REF)),
    cap("Finding", "title", Cap::Chars(FINDING_TITLE)),
    cap("Finding", "description", Cap::Chars(FINDING_DESCRIPTION)),
    cap(
        "Finding",
        "gdpr_articles",
        Cap::ItemsOfChars(GDPR_ARTICLES, GDPR_ARTICLE),
    ),
    cap("Finding", "measures", Cap::Items(MEASURES)),
    cap("Measure", "description", Cap::Chars(MEASURE_DESCRIPTION)),
    cap("DataFlow", "data_category", Cap::Chars(DATA_CATEGORY)),
    cap(
        "DataFlow",
        "subjects",
        Cap::Items(crate::data_flow::DataSubject::ALL.len()),
    ),
    cap("DataFlow", "purpose", Cap::Chars(PURPOSE)),
    cap(
        "DataFlow",
        "storage_countries",
        Cap::ItemsOfChars(COUNTRIES, COUNTRY),
    ),
    cap("DataFlow", "retention", Cap::Chars(RETENTION)),
    cap(
        "DataFlow",
        "recipients",
        Cap::ItemsOfChars(RECIPIENTS, RECIPIENT),
    ),
    cap(
        "InventoryInput",
        "schools",
        Cap::ItemsOfChars(SCHOOLS, SCHOOL),
    ),
    cap("InventoryInput", "grades", Cap::Items(GRADES)),
    cap(
        "InventoryInput",
        "subjects",
        Cap::ItemsOfChars(SUBJECTS, SUBJECT),
    ),
    cap("InventoryInput", "purpose", Cap::Chars(PURPOSE)),
    cap(
        "InventoryInput",
        "supplementary_basis",
        Cap::Chars(SUPPLEMENTARY_BASIS),
    ),
    cap(
        "InventoryInput",
        "data_categories",
        Cap::ItemsOfChars(INVENTORY_DATA_CATEGORIES, DATA_CATEGORY),
    ),
    cap(
        "InventoryInput",
        "data_subjects",
        Cap::Items(crate::data_flow::DataSubject::ALL.len()),
    ),
    cap("InventoryInput", "owner", Cap::Chars(OWNER)),
    cap("InventoryTool", "name", Cap::Chars(TOOL_NAME)),
    cap(
        "InventoryTool",
        "vendor_name",
        Cap::Chars(ORGANISATION_NAME),
    ),
    cap("InventoryTool", "website", Cap::Chars(URL)),
    cap(
        "ProcessingAgreement",
        "reference",
        Cap::Chars(DOCUMENT_REFERENCE),
    ),
    cap("LocalPart", "conditions", Cap::Items(CONDITIONS)),
    cap("LocalPart", "settings", Cap::Items(LOCAL_SETTINGS)),
    cap("LocalPart", "risks", Cap::Items(LOCAL_RISKS)),
    cap("ConditionFollowUp", "key", Cap::Chars(CONDITION_KEY)),
    cap("ConditionFollowUp", "note", Cap::Chars(LOCAL_NOTE)),
    cap("ConditionFollowUp", "evidence", Cap::Chars(EVIDENCE)),
    cap("LocalSetting", "key", Cap::Chars(SETTING_KEY)),
    cap("LocalSetting", "value", Cap::Chars(SETTING_VALUE)),
    cap("LocalSetting", "note", Cap::Chars(LOCAL_NOTE)),
    cap("LocalRisk", "title", Cap::Chars(FINDING_TITLE)),
    cap("LocalRisk", "description", Cap::Chars(FINDING_DESCRIPTION)),
    cap("LocalRisk", "measures", Cap::Chars(MEASURE_DESCRIPTION)),
    cap(
        "AcceptanceInput",
        "accepted_by_name",
        Cap::Chars(PERSON_NAME),
    ),
    cap(
        "AcceptanceInput",
        "accepted_by_role",
        Cap::Chars(ROLE_TITLE),
    ),
    cap("AcceptanceInput", "note", Cap::Chars(LOCAL_NOTE)),
    cap(
        "ScreeningInput",
        "personal_data",
        Cap::Items(crate::screening::PersonalDataQuestion::ALL.len()),
    ),
    cap(
        "ScreeningInput",
        "dpia_criteria",
        Cap::Items(crate::screening::DpiaCriterion::ALL.len()),
    ),
    cap(
        "ScreeningInput",
        "always_requires_dpia",
        Cap::Items(crate::screening::AlwaysRequiresDpia::ALL.len()),
    ),
    cap("ScreeningInput", "note", Cap::Chars(LOCAL_NOTE)),
];

/// How a list-cap violation begins, so the API edge can tell it from other
/// parse errors and answer 422 like the validation that would follow.
pub const LIST_CAP_MESSAGE: &str = "kan ha høyst";

/// Deserialize a list of at most `N` entries, refusing the entry after the
/// last allowed one as soon as the parser reaches it: a body with a list
/// over its cap is refused without reading (or allocating) the rest.
/// Validation checks the same caps for values built in code.
pub fn at_most<'de, const N: usize, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Bounded<T, const N: usize>(std::marker::PhantomData<T>);

    impl<'de, T: serde::Deserialize<'de>, const N: usize> serde::de::Visitor<'de> for Bounded<T, N> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of at most {N} entries")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N));
            while let Some(item) = seq.next_element()? {
                if items.len() == N {
                    return Err(serde::de::Error::custom(format!(
                        "{LIST_CAP_MESSAGE} {N} oppføringer"
                    )));
                }
                items.push(item);
            }
            Ok(items)
        }
    }

    d.deserialize_seq(Bounded::<T, N>(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Two {
        #[serde(deserialize_with = "super::at_most::<2, _, _>")]
        items: Vec<u8>,
    }

    #[test]
    fn lists_over_their_cap_stop_the_parse() {
        let two = serde_json::from_str::<Two>(r#"{"items":[1,2]}"#).map(|t| t.items);
        assert_eq!(two.ok(), Some(vec![1, 2]));
        let err = serde_json::from_str::<Two>(r#"{"items":[1,2,3,"not even read"]}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("kan ha høyst 2 oppføringer"), "{err}");
    }
}
