//! Organisations: school owners, reviewers, vendors, networks and authorities.

use crate::municipality_number::check_municipality_number;
use crate::org_number::OrgNumber;
use crate::validation::{check_web_url, Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum OrganisationKind {
        Municipality => "municipality",
        County => "county",
        Reviewer => "reviewer",
        Vendor => "vendor",
        Network => "network",
        Authority => "authority",
    }
}

/// What a caller supplies to create or replace an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationInput {
    pub kind: OrganisationKind,
    pub name: String,
    #[serde(default)]
    pub org_number: Option<String>,
    #[serde(default)]
    pub municipality_number: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

impl Validate for OrganisationInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        use crate::caps;
        out.require_text(&format!("{p}/name"), &self.name, caps::ORGANISATION_NAME);
        if let Some(n) = &self.org_number {
            if out.limit_text(&format!("{p}/org_number"), n, caps::ORG_NUMBER) {
                out.check(&format!("{p}/org_number"), OrgNumber::parse(n));
            }
        }
        match (&self.municipality_number, self.kind) {
            (Some(n), _) if n.len() > caps::MUNICIPALITY_NUMBER => {
                out.limit_text(
                    &format!("{p}/municipality_number"),
                    n,
                    caps::MUNICIPALITY_NUMBER,
                );
            }
            (Some(n), OrganisationKind::Municipality | OrganisationKind::County) => {
                out.check(
                    &format!("{p}/municipality_number"),
                    check_municipality_number(n),
                );
            }
            (Some(_), _) => out.push(
                format!("{p}/municipality_number"),
                "kommunenummer kan bare oppgis for kommuner og fylkeskommuner",
            ),
            (None, OrganisationKind::Municipality) => out.push(
                format!("{p}/municipality_number"),
                "kommuner må ha kommunenummer",
            ),
            (None, _) => {}
        }
        if let Some(c) = &self.country {
            if out.limit_text(&format!("{p}/country"), c, caps::COUNTRY) {
                out.check(
                    &format!("{p}/country"),
                    crate::country::CountryCode::parse(c),
                );
            }
        }
        if let Some(w) = &self.website {
            if out.limit_text(&format!("{p}/website"), w, caps::URL) {
                out.check(&format!("{p}/website"), check_web_url(w));
            }
        }
    }
}

impl OrganisationInput {
    /// The organisation number in its compact form (spaces removed).
    pub fn normalised_org_number(&self) -> Option<String> {
        self.org_number
            .as_deref()
            .and_then(|n| OrgNumber::parse(n).ok())
            .map(|n| n.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    pub id: Uuid,
    pub kind: OrganisationKind,
    pub name: String,
    pub org_number: Option<String>,
    pub municipality_number: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Bumped on every change; the API derives its ETag from it.
    pub revision: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn municipality() -> OrganisationInput {
        OrganisationInput {
            kind: OrganisationKind::Municipality,
            name: "Bergen kommune".into(),
            org_number: Some("964 338 531".into()),
            municipality_number: Some("4601".into()),
            country: Some("NO".into()),
            website: Some("https://www.bergen.kommune.no".into()),
        }
    }

    #[test]
    fn valid_municipality_passes_and_normalises() {
        assert_eq!(municipality().validate(), Ok(()));
        assert_eq!(
            municipality().normalised_org_number().as_deref(),
            Some("964338531")
        );
    }

    #[test]
    fn reports_each_bad_field_with_pointer() {
        let mut bad = municipality();
        bad.name = String::new();
        bad.org_number = Some("964338532".into());
        bad.municipality_number = None;
        bad.website = Some("bergen".into());
        let errs = bad.validate().err().unwrap_or_default();
        let pointers: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/name", "/org_number", "/municipality_number", "/website"]
        );
    }

    #[test]
    fn vendor_may_not_have_municipality_number() {
        let vendor = OrganisationInput {
            kind: OrganisationKind::Vendor,
            name: "Kahoot! ASA".into(),
            org_number: None,
            municipality_number: Some("0301".into()),
            country: Some("NO".into()),
            website: None,
        };
        let errs = vendor.validate().err().unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs.0[0].pointer, "/municipality_number");
    }

    #[test]
    fn unknown_fields_and_kinds_are_rejected() {
        let r: Result<OrganisationInput, _> =
            serde_json::from_str(r#"{"kind":"vendor","name":"X","colour":"red"}"#);
        assert!(r.is_err());
        let r: Result<OrganisationInput, _> =
            serde_json::from_str(r#"{"kind":"company","name":"X"}"#);
        assert!(r.is_err());
    }
}
