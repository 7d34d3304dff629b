//! Documents a vendor or reviewer attaches: DPA templates, certificates,
//! reports. Visibility decides who may read them; some expire.

use crate::validation::{Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum DocumentKind {
        DpaTemplate => "dpa_template",
        Certificate => "certificate",
        SecurityWhitepaper => "security_whitepaper",
        PrivacyPolicy => "privacy_policy",
        Dpia => "dpia",
        PenetrationTest => "penetration_test",
        Other => "other",
    }
}

crate::string_enum! {
    /// Ordered from widest to narrowest audience.
    pub enum Visibility {
        Public => "public",
        Municipalities => "municipalities",
        Reviewers => "reviewers",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub title: String,
    #[serde(default)]
    pub tool_id: Option<Uuid>,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub visibility: Visibility,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl Validate for DocumentInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.require_text(&format!("{p}/title"), &self.title, 300);
        let mt = &self.media_type;
        if !(mt.contains('/') && mt.len() <= 100 && !mt.contains(char::is_whitespace)) {
            out.push(
                format!("{p}/media_type"),
                "må være en medietype som «application/pdf»",
            );
        }
        if self.size_bytes < 0 {
            out.push(format!("{p}/size_bytes"), "kan ikke være negativ");
        }
        if self.sha256.len() != 64
            || !self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            out.push(
                format!("{p}/sha256"),
                "må være 64 heksadesimale tegn med små bokstaver",
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: Uuid,
    pub owner_org_id: Uuid,
    #[serde(flatten)]
    pub input: DocumentInput,
    pub created_at: DateTime<Utc>,
}

impl Document {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.input.expires_at.is_some_and(|e| e <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_hash_and_media_type() {
        let d = DocumentInput {
            kind: DocumentKind::Certificate,
            title: "ISO 27001".into(),
            tool_id: None,
            media_type: "pdf".into(),
            size_bytes: 10,
            sha256: "ABC".into(),
            visibility: Visibility::Municipalities,
            expires_at: None,
        };
        let errs = d.validate().err().unwrap_or_default();
        let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(p, ["/media_type", "/sha256"]);
        assert!(Visibility::Public < Visibility::Reviewers);
    }
}
