//! DPIA findings: a numbered risk with its likelihood and consequence, the
//! measures (tiltak) that treat it, and the residual risk after them.

use crate::risk::{check_scale, Risk};
use crate::validation::{Validate, Violations};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum FindingCategory {
        LegalBasis => "legal_basis",
        DataMinimisation => "data_minimisation",
        Transparency => "transparency",
        DataSubjectRights => "data_subject_rights",
        Security => "security",
        ThirdCountryTransfer => "third_country_transfer",
        Subprocessors => "subprocessors",
        Retention => "retention",
        VendorOwnPurposes => "vendor_own_purposes",
        ChildrenSpecific => "children_specific",
        ArtificialIntelligence => "artificial_intelligence",
        Other => "other",
    }
}

crate::string_enum! {
    /// Who must carry out a measure: the vendor, the school owner, or both.
    pub enum MeasureOwner {
        Vendor => "vendor",
        SchoolOwner => "school_owner",
        School => "school",
        Teacher => "teacher",
        Reviewer => "reviewer",
    }
}

crate::string_enum! {
    pub enum MeasureStatus {
        Proposed => "proposed",
        InProgress => "in_progress",
        Implemented => "implemented",
        Verified => "verified",
        Rejected => "rejected",
    }
}

crate::string_enum! {
    pub enum Treatment {
        Reduce => "reduce",
        Accept => "accept",
        Avoid => "avoid",
        Transfer => "transfer",
    }
}

crate::string_enum! {
    /// Where a finding comes from, so readers can weigh it.
    pub enum Provenance {
        VendorDocumentation => "vendor_documentation",
        TechnicalTest => "technical_test",
        ContractReview => "contract_review",
        ExternalReport => "external_report",
        SupervisoryAuthority => "supervisory_authority",
        ReviewerJudgement => "reviewer_judgement",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measure {
    pub description: String,
    pub owner: MeasureOwner,
    pub status: MeasureStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Stable reference within the assessment ("R1", "H-3"), used to follow a
    /// finding from version to version.
    #[serde(rename = "ref")]
    pub reference: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category: FindingCategory,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::GDPR_ARTICLES }, _, _>"
    )]
    pub gdpr_articles: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub likelihood: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub consequence: u8,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::MEASURES }, _, _>"
    )]
    pub measures: Vec<Measure>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub residual_likelihood: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub residual_consequence: u8,
    pub treatment: Treatment,
    pub provenance: Provenance,
}

impl Finding {
    pub fn inherent_risk(&self) -> Risk {
        Risk::of(self.likelihood, self.consequence)
    }

    pub fn residual_risk(&self) -> Risk {
        Risk::of(self.residual_likelihood, self.residual_consequence)
    }
}

/// GDPR article references such as "5", "5(1)(c)", "28(4)", "44".
fn check_gdpr_article(value: &str) -> Result<(), &'static str> {
    let number: String = value.chars().take_while(char::is_ascii_digit).collect();
    let rest = &value[number.len()..];
    let article_ok = number.parse::<u8>().is_ok_and(|n| (1..=99).contains(&n));
    let rest_ok = rest.is_empty()
        || (rest.starts_with('(')
            && rest.ends_with(')')
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '(' || c == ')'));
    if article_ok && rest_ok {
        Ok(())
    } else {
        Err("GDPR-artikkel må skrives som et artikkelnummer 1–99, eventuelt med ledd, for eksempel «28(4)»")
    }
}

impl Validate for Finding {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        use crate::caps;
        out.require_text(&format!("{p}/ref"), &self.reference, caps::FINDING_REF);
        out.require_text(&format!("{p}/title"), &self.title, caps::FINDING_TITLE);
        out.limit_text(
            &format!("{p}/description"),
            &self.description,
            caps::FINDING_DESCRIPTION,
        );
        out.each_within(
            &format!("{p}/gdpr_articles"),
            &self.gdpr_articles,
            caps::GDPR_ARTICLES,
            |out, at, a| {
                if out.limit_text(at, a, caps::GDPR_ARTICLE) {
                    out.check(at, check_gdpr_article(a));
                }
            },
        );
        out.check(&format!("{p}/likelihood"), check_scale(self.likelihood));
        out.check(&format!("{p}/consequence"), check_scale(self.consequence));
        out.check(
            &format!("{p}/residual_likelihood"),
            check_scale(self.residual_likelihood),
        );
        out.check(
            &format!("{p}/residual_consequence"),
            check_scale(self.residual_consequence),
        );
        out.each_within(
            &format!("{p}/measures"),
            &self.measures,
            caps::MEASURES,
            |out, at, m| {
                out.require_text(
                    &format!("{at}/description"),
                    &m.description,
                    caps::MEASURE_DESCRIPTION,
                );
            },
        );
        if self.treatment == Treatment::Reduce && self.measures.is_empty() {
            out.push(
                format!("{p}/measures"),
                "risiko som skal reduseres må ha minst ett tiltak",
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::risk::RiskLevel;

    pub(crate) use crate::test_builders::finding;

    #[test]
    fn computes_inherent_and_residual_risk() {
        let f = finding("R1", 4, 4);
        assert_eq!(f.inherent_risk().level, RiskLevel::High);
        assert_eq!(f.residual_risk().score, 4);
        assert_eq!(f.residual_risk().level, RiskLevel::Low);
        assert_eq!(f.validate(), Ok(()));
    }

    #[test]
    fn rejects_out_of_scale_and_bad_articles() {
        let mut f = finding("R1", 0, 6);
        f.gdpr_articles = vec!["art. 5".into(), "5(1)(c)".into(), "120".into()];
        f.measures.clear();
        let errs = f.validate().err().unwrap_or_default();
        let pointers: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/gdpr_articles/0",
                "/gdpr_articles/2",
                "/likelihood",
                "/consequence",
                "/residual_consequence",
                "/measures"
            ]
        );
    }

    #[test]
    fn ref_is_serialised_as_ref() {
        let json = serde_json::to_value(finding("R7", 2, 2)).unwrap_or_default();
        assert_eq!(json["ref"], "R7");
    }
}
