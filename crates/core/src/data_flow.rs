//! Data flows: which personal data goes where, for what, for how long.

use crate::country::CountryCode;
use crate::validation::{Validate, Violations};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    pub enum DataSubject {
        Pupils => "pupils",
        Teachers => "teachers",
        Staff => "staff",
        Guardians => "guardians",
    }
}

impl DataSubject {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Pupils => "elever",
            Self::Teachers => "lærere",
            Self::Staff => "andre ansatte",
            Self::Guardians => "foresatte",
        }
    }
}

crate::string_enum! {
    /// GDPR art. 6(1) bases a school owner can rely on.
    pub enum LegalBasis {
        Consent => "consent",
        Contract => "contract",
        LegalObligation => "legal_obligation",
        VitalInterests => "vital_interests",
        PublicTask => "public_task",
        LegitimateInterests => "legitimate_interests",
    }
}

impl LegalBasis {
    /// As a Norwegian record of processing names it.
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Consent => "Samtykke (GDPR art. 6 nr. 1 a)",
            Self::Contract => "Avtale (GDPR art. 6 nr. 1 b)",
            Self::LegalObligation => "Rettslig forpliktelse (GDPR art. 6 nr. 1 c)",
            Self::VitalInterests => "Vitale interesser (GDPR art. 6 nr. 1 d)",
            Self::PublicTask => "Offentlig myndighetsutøvelse eller oppgave i allmennhetens interesse (GDPR art. 6 nr. 1 e)",
            Self::LegitimateInterests => "Berettiget interesse (GDPR art. 6 nr. 1 f)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataFlow {
    pub data_category: String,
    #[serde(deserialize_with = "crate::caps::at_most::<{ DataSubject::ALL.len() }, _, _>")]
    pub subjects: Vec<DataSubject>,
    pub purpose: String,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::COUNTRIES }, _, _>"
    )]
    pub storage_countries: Vec<String>,
    /// Free text such as "slettes 30 dager etter at kontoen er avsluttet".
    #[serde(default)]
    pub retention: String,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::RECIPIENTS }, _, _>"
    )]
    pub recipients: Vec<String>,
    pub legal_basis: LegalBasis,
    /// Whether the vendor also uses the data for its own purposes (as a
    /// controller), which the school owner cannot instruct away.
    #[serde(default)]
    pub vendor_own_purposes: bool,
}

impl DataFlow {
    /// What identifies "the same flow" across versions.
    pub fn identity(&self) -> String {
        format!("{}|{}", self.data_category.trim(), self.purpose.trim())
    }
}

impl Validate for DataFlow {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        use crate::caps;
        out.require_text(
            &format!("{p}/data_category"),
            &self.data_category,
            caps::DATA_CATEGORY,
        );
        out.require_text(&format!("{p}/purpose"), &self.purpose, caps::PURPOSE);
        if self.subjects.is_empty() {
            out.push(format!("{p}/subjects"), "oppgi hvem opplysningene gjelder");
        }
        out.distinct_within(
            &format!("{p}/subjects"),
            &self.subjects,
            DataSubject::ALL.len(),
        );
        out.each_within(
            &format!("{p}/storage_countries"),
            &self.storage_countries,
            caps::COUNTRIES,
            |out, at, c| {
                if out.limit_text(at, c, caps::COUNTRY) {
                    out.check(at, CountryCode::parse(c));
                }
            },
        );
        out.limit_text(&format!("{p}/retention"), &self.retention, caps::RETENTION);
        out.each_within(
            &format!("{p}/recipients"),
            &self.recipients,
            caps::RECIPIENTS,
            |out, at, r| {
                out.require_text(at, r, caps::RECIPIENT);
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_countries_and_subjects() {
        let flow = DataFlow {
            data_category: "Navn og e-post".into(),
            subjects: vec![],
            purpose: "Innlogging".into(),
            storage_countries: vec!["IE".into(), "Mars".into()],
            retention: String::new(),
            recipients: vec![],
            legal_basis: LegalBasis::PublicTask,
            vendor_own_purposes: false,
        };
        let errs = flow.validate().err().unwrap_or_default();
        let pointers: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/subjects", "/storage_countries/1"]);
        assert_eq!(flow.identity(), "Navn og e-post|Innlogging");
    }
}
