//! Conditions of use (bruksvilkår) attached to a verdict, written so that
//! machines can read them: an optional `setting_key` names the admin setting
//! a municipality must apply.

use crate::validation::{Validate, Violations};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Who a condition is addressed to.
    pub enum Audience {
        SchoolOwner => "school_owner",
        School => "school",
        Teacher => "teacher",
        Pupil => "pupil",
        Guardian => "guardian",
        Vendor => "vendor",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub text: String,
    pub audience: Audience,
    /// Machine key of a setting (`google.workspace.additional_services_off`).
    #[serde(default)]
    pub setting_key: Option<String>,
    pub mandatory: bool,
}

impl Condition {
    /// What identifies "the same condition" across versions: the setting key
    /// when there is one, otherwise the text itself.
    pub fn identity(&self) -> String {
        match &self.setting_key {
            Some(k) => format!("setting:{k}"),
            None => format!("text:{}", self.text.trim()),
        }
    }
}

fn check_setting_key(key: &str) -> Result<(), &'static str> {
    let ok = (2..=120).contains(&key.len())
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.' || b == b'-'
        })
        && !key.starts_with('.')
        && !key.ends_with('.');
    if ok {
        Ok(())
    } else {
        Err("innstillingsnøkkel kan bare ha a–z, 0–9, punktum, bindestrek og understrek")
    }
}

impl Validate for Condition {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.require_text(
            &format!("{p}/text"),
            &self.text,
            crate::caps::CONDITION_TEXT,
        );
        if let Some(k) = &self.setting_key {
            if out.limit_text(&format!("{p}/setting_key"), k, crate::caps::SETTING_KEY) {
                out.check(&format!("{p}/setting_key"), check_setting_key(k));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_prefers_setting_key() {
        let c = Condition {
            text: "Slå av tilleggstjenester".into(),
            audience: Audience::SchoolOwner,
            setting_key: Some("google.additional_services".into()),
            mandatory: true,
        };
        assert_eq!(c.identity(), "setting:google.additional_services");
        let c2 = Condition {
            setting_key: None,
            ..c.clone()
        };
        assert_eq!(c2.identity(), "text:Slå av tilleggstjenester");
        assert_eq!(c.validate(), Ok(()));
        let bad = Condition {
            setting_key: Some("Bad Key".into()),
            ..c
        };
        assert_eq!(
            bad.validate()
                .err()
                .map(|e| e.0[0].pointer.clone())
                .as_deref(),
            Some("/setting_key")
        );
    }
}
