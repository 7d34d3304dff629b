//! Documents a vendor attaches: data processing agreement templates,
//! certificates, penetration-test summaries, privacy policies. What the
//! uploader says about one is `DocumentInput`; what the server found out
//! (name, media type, size, hash) is the rest of `Document`. Visibility
//! decides who may read it; some expire.

use crate::caps;
use crate::validation::{Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long ahead a document's expiry is announced and flagged.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

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
        /// Anyone, signed in or not.
        Public => "public",
        /// Municipalities and counties (and reviewers).
        Municipalities => "municipalities",
        /// Reviewers and admins only (and the vendor itself).
        Reviewers => "reviewers",
    }
}

/// What the uploader says about a document: the `metadata` part of the
/// upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub title: String,
    /// The tool it is about; none for one about the vendor as a whole.
    #[serde(default)]
    pub tool_id: Option<Uuid>,
    pub visibility: Visibility,
    /// What a certificate covers ("ISO/IEC 27001: drift av tjenesten").
    #[serde(default)]
    pub scope: Option<String>,
    /// When a certificate or agreement stops being valid.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl Validate for DocumentInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.require_text(&format!("{p}/title"), &self.title, caps::DOCUMENT_TITLE);
        if let Some(scope) = &self.scope {
            out.require_text(&format!("{p}/scope"), scope, caps::DOCUMENT_SCOPE);
        }
    }
}

/// The bytes of a document as the server found them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentFile {
    /// The file name it was uploaded with (for downloads).
    pub filename: String,
    /// Sniffed from the content, never taken from the uploader.
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex; also its ETag.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: Uuid,
    /// The vendor organisation it belongs to.
    pub owner_org_id: Uuid,
    #[serde(flatten)]
    pub input: DocumentInput,
    #[serde(flatten)]
    pub file: DocumentFile,
    pub uploaded_by: String,
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
    fn titles_and_scopes_are_checked() {
        let d = DocumentInput {
            kind: DocumentKind::Certificate,
            title: " ".into(),
            tool_id: None,
            visibility: Visibility::Municipalities,
            scope: Some("x".repeat(caps::DOCUMENT_SCOPE + 1)),
            expires_at: None,
        };
        let errs = d.validate().err().unwrap_or_default();
        let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(p, ["/title", "/scope"]);
        assert!(Visibility::Public < Visibility::Reviewers);
    }
}
