//! Assessments: a reviewer's work on one or more tools, with an editable
//! draft and a history of immutable verdict versions.

use crate::validation::{Validate, Violations};
use crate::verdict::VerdictDraft;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum AssessmentKind {
        Triage => "triage",
        Ros => "ros",
        Dpia => "dpia",
        NationalDpia => "national_dpia",
        DpaReview => "dpa_review",
        SecurityReview => "security_review",
    }
}

crate::string_enum! {
    pub enum AssessmentStatus {
        Draft => "draft",
        Published => "published",
        Withdrawn => "withdrawn",
    }
}

/// Why an assessment is withdrawn, in words a municipality understands;
/// the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawInput {
    pub reason: String,
}

impl Validate for WithdrawInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.require_text(
            &format!("{p}/reason"),
            &self.reason,
            crate::caps::WITHDRAWAL_REASON,
        );
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentInput {
    pub kind: AssessmentKind,
    pub title: String,
    #[serde(deserialize_with = "crate::caps::at_most::<{ crate::caps::ASSESSMENT_TOOLS }, _, _>")]
    pub tool_ids: Vec<Uuid>,
    pub reviewer_org_id: Uuid,
}

impl Validate for AssessmentInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        use crate::caps;
        out.require_text(&format!("{p}/title"), &self.title, caps::ASSESSMENT_TITLE);
        if self.tool_ids.is_empty() {
            out.push(
                format!("{p}/tool_ids"),
                "en vurdering må gjelde minst ett verktøy",
            );
        }
        out.distinct_within(
            &format!("{p}/tool_ids"),
            &self.tool_ids,
            caps::ASSESSMENT_TOOLS,
        );
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub id: Uuid,
    pub kind: AssessmentKind,
    pub title: String,
    pub tool_ids: Vec<Uuid>,
    pub reviewer_org_id: Uuid,
    pub status: AssessmentStatus,
    /// The next version being edited. `None` when nothing has been drafted
    /// (new, or loaded in bulk): editing then starts from the latest version.
    /// Publishing keeps the draft, so publishing it again unchanged is refused.
    pub draft: Option<VerdictDraft>,
    /// Bumped on every draft change; the API derives the draft ETag from it.
    pub draft_revision: i64,
    pub draft_updated_by: Option<String>,
    pub latest_version: Option<i32>,
    pub withdrawal: Option<Withdrawal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_tools_without_duplicates() {
        let id = Uuid::nil();
        let a = AssessmentInput {
            kind: AssessmentKind::Dpia,
            title: "DPIA".into(),
            tool_ids: vec![id, id],
            reviewer_org_id: id,
        };
        let errs = a.validate().err().unwrap_or_default();
        assert_eq!(errs.0[0].pointer, "/tool_ids/1");
        let empty = AssessmentInput {
            tool_ids: vec![],
            ..a
        };
        assert_eq!(
            empty
                .validate()
                .err()
                .map(|e| e.0[0].pointer.clone())
                .as_deref(),
            Some("/tool_ids")
        );
    }
}
