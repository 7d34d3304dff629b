//! The common security and privacy requirements vendors answer: a
//! versioned catalogue (`seed-data/requirements.json`, compiled in), and a
//! vendor's answers for one tool, each tied to the catalogue version it
//! answered so a new version never rewrites an old answer's meaning.

use crate::caps;
use crate::validation::{Validate, Violations};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

crate::string_enum! {
    pub enum RequirementCategory {
        AccessControl => "access_control",
        Logging => "logging",
        Encryption => "encryption",
        Backup => "backup",
        Incident => "incident",
        DataLocation => "data_location",
        Deletion => "deletion",
        Subprocessors => "subprocessors",
        Vulnerability => "vulnerability",
        Certification => "certification",
        Feide => "feide",
        Children => "children",
        Profiling => "profiling",
        Ai => "ai",
        Privacy => "privacy",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable within the catalogue ("TS-11").
    pub id: String,
    pub category: RequirementCategory,
    /// The requirement, in Norwegian.
    pub text: String,
    /// What a vendor is expected to show for it.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: i32,
    pub title: String,
    /// What the catalogue is and is not (the sample is illustrative).
    pub note: String,
    pub published_at: NaiveDate,
    pub requirements: Vec<Requirement>,
}

impl Catalogue {
    pub fn has(&self, id: &str) -> bool {
        self.requirements.iter().any(|r| r.id == id)
    }
}

/// Every catalogue version, oldest first, as compiled in.
const SOURCES: &[&str] = &[include_str!("../../../seed-data/requirements.json")];

/// The catalogue versions, oldest first, parsed once. The compiled-in
/// sources are checked by a test, so a broken one cannot ship.
pub fn catalogues() -> &'static [Catalogue] {
    static PARSED: std::sync::OnceLock<Vec<Catalogue>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        SOURCES
            .iter()
            .filter_map(|s| serde_json::from_str(s).ok())
            .collect()
    })
}

/// One version of the catalogue, or the newest.
pub fn catalogue(version: Option<i32>) -> Option<&'static Catalogue> {
    let all = catalogues().iter();
    match version {
        Some(v) => all.clone().find(|c| c.version == v),
        None => all.max_by_key(|c| c.version),
    }
}

crate::string_enum! {
    pub enum Answer {
        Yes => "yes",
        Partly => "partly",
        No => "no",
        NotApplicable => "not_applicable",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub requirement_id: String,
    pub answer: Answer,
    #[serde(default)]
    pub comment: String,
    /// A document of the vendor's that shows it.
    #[serde(default)]
    pub evidence_document_id: Option<Uuid>,
}

/// A vendor's answers for one tool to one catalogue version: the whole set
/// each time (what is left out is unanswered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswersInput {
    pub catalogue_version: i32,
    #[serde(deserialize_with = "crate::caps::at_most::<{ crate::caps::ANSWERS }, _, _>")]
    pub answers: Vec<AnswerInput>,
}

impl AnswersInput {
    /// Check against the catalogue it names: known ids, each once.
    pub fn check_against(&self, catalogue: &Catalogue) -> Result<(), Violations> {
        let mut v = Violations::new();
        let mut seen = BTreeSet::new();
        for (i, a) in self.answers.iter().enumerate() {
            let at = format!("/answers/{i}/requirement_id");
            if !catalogue.has(&a.requirement_id) {
                v.push(
                    at,
                    format!(
                        "«{}» er ikke et krav i katalogens versjon {}",
                        a.requirement_id, catalogue.version
                    ),
                );
            } else if !seen.insert(a.requirement_id.as_str()) {
                v.push(at, "kravet er besvart mer enn én gang");
            }
        }
        v.into_result()
    }
}

impl Validate for AnswersInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        for (i, a) in self.answers.iter().enumerate() {
            out.require_text(
                &format!("{p}/answers/{i}/requirement_id"),
                &a.requirement_id,
                caps::REQUIREMENT_ID,
            );
            if a.comment.chars().count() > caps::ANSWER_COMMENT {
                out.push(
                    format!("{p}/answers/{i}/comment"),
                    format!("kan være høyst {} tegn", caps::ANSWER_COMMENT),
                );
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedAnswer {
    #[serde(flatten)]
    pub input: AnswerInput,
    pub answered_by: String,
    pub answered_at: DateTime<Utc>,
}

/// A tool's answers to one catalogue version, and what is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerSet {
    pub tool_id: Uuid,
    pub catalogue_version: i32,
    pub answers: Vec<RecordedAnswer>,
    /// Requirements of that version with no answer.
    pub unanswered: Vec<String>,
}

impl AnswerSet {
    pub fn new(tool_id: Uuid, catalogue: &Catalogue, answers: Vec<RecordedAnswer>) -> Self {
        let answered: BTreeSet<&str> = answers
            .iter()
            .map(|a| a.input.requirement_id.as_str())
            .collect();
        let unanswered = catalogue
            .requirements
            .iter()
            .filter(|r| !answered.contains(r.id.as_str()))
            .map(|r| r.id.clone())
            .collect();
        Self {
            tool_id,
            catalogue_version: catalogue.version,
            answers,
            unanswered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_catalogue_is_whole_and_unique() {
        assert_eq!(catalogues().len(), SOURCES.len(), "every source parses");
        let c = catalogue(None).expect("a catalogue");
        assert!(c.requirements.len() >= 30, "{}", c.requirements.len());
        let ids: BTreeSet<&str> = c.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), c.requirements.len(), "ids are unique");
        assert!(c
            .requirements
            .iter()
            .all(|r| !r.text.is_empty() && !r.evidence.is_empty()));
        assert!(c.requirements.iter().any(|r| r.text.contains("72 timer")));
    }

    #[test]
    fn answers_must_name_known_requirements_once() {
        let c = catalogue(Some(1)).expect("v1");
        let answer = |id: &str| AnswerInput {
            requirement_id: id.into(),
            answer: Answer::Yes,
            comment: String::new(),
            evidence_document_id: None,
        };
        let input = AnswersInput {
            catalogue_version: 1,
            answers: vec![answer("TS-01"), answer("TS-99"), answer("TS-01")],
        };
        let errs = input.check_against(c).err().unwrap_or_default();
        let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            p,
            ["/answers/1/requirement_id", "/answers/2/requirement_id"]
        );
        let set = AnswerSet::new(Uuid::nil(), c, vec![]);
        assert_eq!(set.unanswered.len(), c.requirements.len());
    }
}
