//! Verdicts: the versioned, never-rewritten outcome of an assessment.

use crate::condition::Condition;
use crate::data_flow::DataFlow;
use crate::finding::Finding;
use crate::risk::RiskLevel;
use crate::validation::{Validate, Violations};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use uuid::Uuid;

crate::string_enum! {
    pub enum VerdictLevel {
        Approved => "approved",
        ApprovedWithConditions => "approved_with_conditions",
        NotRecommended => "not_recommended",
        NotAssessed => "not_assessed",
    }
}

impl VerdictLevel {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Approved => "Godkjent",
            Self::ApprovedWithConditions => "Godkjent med vilkår",
            Self::NotRecommended => "Ikke anbefalt",
            Self::NotAssessed => "Ikke vurdert",
        }
    }
}

/// The subprocessor revision of one tool that the reviewer read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewedSubprocessors {
    pub tool_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub revision: i32,
}

/// Everything a verdict says. Hashed as published, so the field order here
/// is part of the `content_sha256` contract: append, never reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictContent {
    pub level: VerdictLevel,
    pub summary: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::CONDITIONS }, _, _>"
    )]
    pub conditions: Vec<Condition>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::FINDINGS }, _, _>"
    )]
    pub findings: Vec<Finding>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::DATA_FLOWS }, _, _>"
    )]
    pub data_flows: Vec<DataFlow>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::REVIEWED_REVISIONS }, _, _>"
    )]
    pub subprocessor_revisions: Vec<ReviewedSubprocessors>,
    #[serde(default)]
    pub review_due: Option<NaiveDate>,
}

// Read through `DraftWire`, one flat struct: with `#[serde(flatten)]` serde
// would buffer the whole body before reading the verdict, so a list over its
// cap would only be found after everything was parsed.
/// The editable draft of an assessment: the next verdict plus a change note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DraftWire")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictDraft {
    #[serde(flatten)]
    pub content: VerdictContent,
    #[serde(default)]
    pub change_note: String,
}

/// `VerdictDraft` as it arrives: `VerdictContent`'s fields (same names,
/// same caps) and the change note, in one struct.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DraftWire {
    level: VerdictLevel,
    summary: String,
    #[serde(default)]
    rationale: String,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::CONDITIONS }, _, _>"
    )]
    conditions: Vec<Condition>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::FINDINGS }, _, _>"
    )]
    findings: Vec<Finding>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::DATA_FLOWS }, _, _>"
    )]
    data_flows: Vec<DataFlow>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::REVIEWED_REVISIONS }, _, _>"
    )]
    subprocessor_revisions: Vec<ReviewedSubprocessors>,
    #[serde(default)]
    review_due: Option<NaiveDate>,
    #[serde(default)]
    change_note: String,
}

impl From<DraftWire> for VerdictDraft {
    fn from(w: DraftWire) -> Self {
        VerdictDraft {
            content: VerdictContent {
                level: w.level,
                summary: w.summary,
                rationale: w.rationale,
                conditions: w.conditions,
                findings: w.findings,
                data_flows: w.data_flows,
                subprocessor_revisions: w.subprocessor_revisions,
                review_due: w.review_due,
            },
            change_note: w.change_note,
        }
    }
}

impl VerdictContent {
    /// SHA-256 over the canonical JSON of the content, hex encoded. serde
    /// writes struct fields in declaration order and we use no maps, so the
    /// bytes are stable.
    pub fn sha256(&self) -> String {
        // Plain data with string keys: serialising cannot fail, and hashing
        // empty bytes instead would be a silent lie about the content.
        let bytes = serde_json::to_vec(self).expect("verdict content serialises");
        hex(&Sha256::digest(&bytes))
    }

    /// The highest residual risk among the findings, if any.
    pub fn highest_residual_risk(&self) -> Option<RiskLevel> {
        self.findings.iter().map(|f| f.residual_risk().level).max()
    }

    pub fn mandatory_conditions(&self) -> impl Iterator<Item = &Condition> {
        self.conditions.iter().filter(|c| c.mandatory)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Validate for VerdictContent {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        use crate::caps;
        out.require_text(
            &format!("{p}/summary"),
            &self.summary,
            caps::VERDICT_SUMMARY,
        );
        out.limit_text(
            &format!("{p}/rationale"),
            &self.rationale,
            caps::VERDICT_RATIONALE,
        );
        match self.level {
            VerdictLevel::ApprovedWithConditions
                if !self.conditions.iter().any(|c| c.mandatory) =>
            {
                out.push(
                    format!("{p}/conditions"),
                    "«approved_with_conditions» krever minst ett obligatorisk vilkår",
                )
            }
            VerdictLevel::NotRecommended if self.rationale.trim().is_empty() => {
                out.push(format!("{p}/rationale"), "«not_recommended» må begrunnes")
            }
            _ => {}
        }
        let mut seen = HashSet::new();
        out.each_within(
            &format!("{p}/conditions"),
            &self.conditions,
            caps::CONDITIONS,
            |out, at, c| {
                c.validate_at(at, out);
                if !seen.insert(c.identity()) {
                    out.push(at, "vilkåret står der allerede");
                }
            },
        );
        let mut refs = HashSet::new();
        out.each_within(
            &format!("{p}/findings"),
            &self.findings,
            caps::FINDINGS,
            |out, at, f| {
                f.validate_at(at, out);
                if !refs.insert(f.reference.as_str()) {
                    out.push(
                        format!("{at}/ref"),
                        format!("«{}» er brukt før", f.reference),
                    );
                }
            },
        );
        let mut ids = HashSet::new();
        out.each_within(
            &format!("{p}/data_flows"),
            &self.data_flows,
            caps::DATA_FLOWS,
            |out, at, d| {
                d.validate_at(at, out);
                if !ids.insert(d.identity()) {
                    out.push(at, "samme datakategori og formål står der allerede");
                }
            },
        );
        out.each_within(
            &format!("{p}/subprocessor_revisions"),
            &self.subprocessor_revisions,
            caps::REVIEWED_REVISIONS,
            |out, at, r| {
                if r.revision < 1 {
                    out.push(format!("{at}/revision"), "revisjoner er nummerert fra 1");
                }
            },
        );
    }
}

impl Validate for VerdictDraft {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        self.content.validate_at(p, out);
        out.limit_text(
            &format!("{p}/change_note"),
            &self.change_note,
            crate::caps::CHANGE_NOTE,
        );
    }
}

/// A published, immutable version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictVersion {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub version: i32,
    #[serde(flatten)]
    pub content: VerdictContent,
    pub change_note: String,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub content_sha256: String,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::condition::Audience;
    use crate::finding::tests::finding;

    pub(crate) fn content(level: VerdictLevel) -> VerdictContent {
        VerdictContent {
            level,
            summary: "Kan brukes med vilkår".into(),
            rationale: "Overføring til USA er regulert".into(),
            conditions: vec![Condition {
                text: "Slå av tilleggstjenester".into(),
                audience: Audience::SchoolOwner,
                setting_key: Some("additional_services_off".into()),
                mandatory: true,
            }],
            findings: vec![finding("R1", 4, 4), finding("R2", 2, 3)],
            data_flows: vec![],
            subprocessor_revisions: vec![],
            review_due: NaiveDate::from_ymd_opt(2027, 6, 1),
        }
    }

    #[test]
    fn hash_is_stable_and_sensitive() {
        let a = content(VerdictLevel::ApprovedWithConditions);
        assert_eq!(a.sha256(), a.clone().sha256());
        assert_eq!(a.sha256().len(), 64);
        let mut b = a.clone();
        b.findings[1].likelihood = 3;
        assert_ne!(a.sha256(), b.sha256());
    }

    /// The hash contract: a published version's `content_sha256` is the
    /// SHA-256 of its content as compact JSON in field order. Changing a
    /// field's name, order or encoding changes every stored hash, so this
    /// fixed content must keep this fixed hash.
    #[test]
    fn content_hash_is_the_golden_value() {
        let golden = content(VerdictLevel::ApprovedWithConditions);
        assert_eq!(golden.sha256(), GOLDEN_SHA256);
    }

    const GOLDEN_SHA256: &str = "0bb7ba323054b1534f76efa4a0c5a1a9f9c50f17c68199539b3e1f00c477afc4";

    #[test]
    fn level_rules_are_enforced() {
        let mut c = content(VerdictLevel::ApprovedWithConditions);
        c.conditions[0].mandatory = false;
        let errs = c.validate().err().unwrap_or_default();
        assert_eq!(errs.0[0].pointer, "/conditions");
        let mut n = content(VerdictLevel::NotRecommended);
        n.rationale = " ".into();
        assert_eq!(
            n.validate()
                .err()
                .map(|e| e.0[0].pointer.clone())
                .as_deref(),
            Some("/rationale")
        );
    }

    #[test]
    fn duplicate_refs_are_reported() {
        let mut c = content(VerdictLevel::Approved);
        c.findings[1].reference = "R1".into();
        let errs = c.validate().err().unwrap_or_default();
        assert_eq!(errs.0[0].pointer, "/findings/1/ref");
    }

    #[test]
    fn highest_residual_risk_and_mandatory_conditions() {
        let c = content(VerdictLevel::ApprovedWithConditions);
        // R1 residual 1×4 = 4 (low), R2 residual 1×3 = 3 (low).
        assert_eq!(c.highest_residual_risk(), Some(RiskLevel::Low));
        assert_eq!(c.mandatory_conditions().count(), 1);
    }

    #[test]
    fn draft_parses_flattened_with_unknown_fields_rejected() {
        let ok = r#"{"level":"approved","summary":"OK","change_note":"første"}"#;
        let d: Result<VerdictDraft, _> = serde_json::from_str(ok);
        assert_eq!(d.map(|d| d.change_note).ok().as_deref(), Some("første"));
        let bad = r#"{"level":"approved","summary":"OK","colour":"red"}"#;
        assert!(serde_json::from_str::<VerdictDraft>(bad).is_err());
    }
}
