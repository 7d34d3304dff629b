//! Vendor submissions: security documentation sent in for a reviewer to triage.

use crate::validation::{Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum SubmissionKind {
        ProductFacts => "product_facts",
        SubprocessorList => "subprocessor_list",
        DpaTemplate => "dpa_template",
        Certificate => "certificate",
        SecurityRequirements => "security_requirements",
    }
}

crate::string_enum! {
    pub enum SubmissionStatus {
        Submitted => "submitted",
        InReview => "in_review",
        ChangesRequested => "changes_requested",
        Accepted => "accepted",
        Rejected => "rejected",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerComment {
    pub at: DateTime<Utc>,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    pub kind: SubmissionKind,
    #[serde(default)]
    pub tool_id: Option<Uuid>,
    pub payload: serde_json::Value,
}

impl Validate for SubmissionInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        if !self.payload.is_object() {
            out.push(format!("{p}/payload"), "innholdet må være et JSON-objekt");
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: Uuid,
    pub vendor_org_id: Uuid,
    #[serde(flatten)]
    pub input: SubmissionInput,
    pub status: SubmissionStatus,
    pub reviewer_comments: Vec<ReviewerComment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_must_be_an_object() {
        let s = SubmissionInput {
            kind: SubmissionKind::Certificate,
            tool_id: None,
            payload: serde_json::json!([1]),
        };
        assert_eq!(
            s.validate()
                .err()
                .map(|e| e.0[0].pointer.clone())
                .as_deref(),
            Some("/payload")
        );
        let ok = SubmissionInput {
            payload: serde_json::json!({"name": "ISO 27001"}),
            ..s
        };
        assert_eq!(ok.validate(), Ok(()));
    }
}
