//! Vendor submissions: facts a vendor sends in for a reviewer to triage —
//! a new tool, updated product facts, or the tool's full subprocessor
//! list — with a comment thread between them. Accepting one applies it
//! (the tool is created or updated, the list becomes the tool's next
//! revision). Documents and requirement answers are sent directly; they
//! are the vendor's own statements, not facts the registry adopts.

use crate::subprocessor::{SubprocessorRevisionInput, TransferMechanism};
use crate::subprocessor_diff::{diff_subprocessors, SubprocessorDiff};
use crate::tool::ToolInput;
use crate::validation::{Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    pub enum SubmissionKind {
        ToolProposal => "tool_proposal",
        ProductFacts => "product_facts",
        SubprocessorList => "subprocessor_list",
    }
}

crate::string_enum! {
    /// submitted → in_triage → changes_requested (→ submitted again when
    /// the vendor revises) → accepted or rejected.
    pub enum SubmissionStatus {
        Submitted => "submitted",
        InTriage => "in_triage",
        ChangesRequested => "changes_requested",
        Accepted => "accepted",
        Rejected => "rejected",
    }
}

impl SubmissionStatus {
    /// Where a reviewer may move a submission from here.
    pub fn may_become(self, next: SubmissionStatus) -> bool {
        use SubmissionStatus::*;
        matches!(
            (self, next),
            (Submitted, InTriage)
                | (Submitted, ChangesRequested)
                | (Submitted, Accepted)
                | (Submitted, Rejected)
                | (InTriage, ChangesRequested)
                | (InTriage, Accepted)
                | (InTriage, Rejected)
        )
    }

    /// What a submission in this status is, in Norwegian, after "er".
    pub fn label_nb(self) -> &'static str {
        match self {
            SubmissionStatus::Submitted => "sendt inn",
            SubmissionStatus::InTriage => "til behandling",
            SubmissionStatus::ChangesRequested => "sendt tilbake med ønske om endringer",
            SubmissionStatus::Accepted => "godtatt",
            SubmissionStatus::Rejected => "avvist",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(
            self,
            SubmissionStatus::Accepted | SubmissionStatus::Rejected
        )
    }
}

crate::string_enum! {
    pub enum Party {
        Vendor => "vendor",
        Reviewer => "reviewer",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub at: DateTime<Utc>,
    pub by: String,
    pub party: Party,
    pub text: String,
}

/// What is submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SubmissionContent {
    /// A tool not yet in the registry, of the vendor's own.
    ToolProposal { tool: ToolInput },
    /// The facts of one of the vendor's tools, as they should be.
    ProductFacts { tool: ToolInput },
    /// The tool's full subprocessor list, as it is now.
    SubprocessorList { list: SubprocessorRevisionInput },
}

impl SubmissionKind {
    /// What is submitted, in Norwegian.
    pub fn label_nb(self) -> &'static str {
        match self {
            SubmissionKind::ToolProposal => "forslag om nytt verktøy",
            SubmissionKind::ProductFacts => "produktopplysninger",
            SubmissionKind::SubprocessorList => "underleverandørliste",
        }
    }
}

impl Party {
    /// Who wrote, in Norwegian.
    pub fn label_nb(self) -> &'static str {
        match self {
            Party::Vendor => "leverandøren",
            Party::Reviewer => "vurdereren",
        }
    }
}

impl SubmissionContent {
    /// The tool's name, where the content carries the tool's facts.
    pub fn tool_name(&self) -> Option<&str> {
        match self {
            SubmissionContent::ToolProposal { tool } | SubmissionContent::ProductFacts { tool } => {
                Some(&tool.name)
            }
            SubmissionContent::SubprocessorList { .. } => None,
        }
    }

    pub fn kind(&self) -> SubmissionKind {
        match self {
            SubmissionContent::ToolProposal { .. } => SubmissionKind::ToolProposal,
            SubmissionContent::ProductFacts { .. } => SubmissionKind::ProductFacts,
            SubmissionContent::SubprocessorList { .. } => SubmissionKind::SubprocessorList,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    /// The tool it is about; none for a tool proposal.
    #[serde(default)]
    pub tool_id: Option<Uuid>,
    pub content: SubmissionContent,
    /// A note to the reviewer, the first of the thread.
    #[serde(default)]
    pub comment: String,
}

impl Validate for SubmissionInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        match (&self.content, self.tool_id) {
            (SubmissionContent::ToolProposal { tool }, None) => {
                tool.validate_at(&format!("{p}/content/tool"), out)
            }
            (SubmissionContent::ToolProposal { .. }, Some(_)) => out.push(
                format!("{p}/tool_id"),
                "et forslag om nytt verktøy har ingen tool_id",
            ),
            (SubmissionContent::ProductFacts { tool }, Some(_)) => {
                tool.validate_at(&format!("{p}/content/tool"), out)
            }
            (SubmissionContent::SubprocessorList { list }, Some(_)) => {
                list.validate_at(&format!("{p}/content/list"), out)
            }
            (_, None) => out.push(
                format!("{p}/tool_id"),
                "må oppgi hvilket verktøy innsendingen gjelder",
            ),
        }
        if self.comment.chars().count() > crate::caps::COMMENT {
            out.push(
                format!("{p}/comment"),
                format!("kan være høyst {} tegn", crate::caps::COMMENT),
            );
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: Uuid,
    pub vendor_org_id: Uuid,
    /// The tool; for an accepted proposal, the tool it became.
    pub tool_id: Option<Uuid>,
    pub content: SubmissionContent,
    pub status: SubmissionStatus,
    /// The thread between vendor and reviewer, oldest first.
    pub comments: Vec<Comment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a reviewer sees at once about a submitted subprocessor list: the
/// diff against the tool's current list and what needs a closer look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubprocessorReview {
    /// The revision compared against; none when the tool has no list.
    pub against_revision: Option<i32>,
    pub diff: SubprocessorDiff,
    /// Third countries data would newly go to.
    pub new_third_countries: Vec<String>,
    /// Entries whose transfer mechanism is `unknown`.
    pub unknown_transfer_mechanisms: Vec<String>,
}

impl SubprocessorReview {
    pub fn new(
        current: Option<(i32, &[crate::subprocessor::SubprocessorEntry])>,
        list: &SubprocessorRevisionInput,
    ) -> Self {
        let diff = diff_subprocessors(current.map_or(&[][..], |(_, e)| e), &list.entries);
        Self {
            against_revision: current.map(|(r, _)| r),
            new_third_countries: diff.third_countries_added.clone(),
            unknown_transfer_mechanisms: list
                .entries
                .iter()
                .filter(|e| e.transfer_mechanism == TransferMechanism::Unknown)
                .map(|e| e.id.clone())
                .collect(),
            diff,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triage_moves_only_forward() {
        use SubmissionStatus::*;
        assert!(Submitted.may_become(InTriage));
        assert!(InTriage.may_become(Accepted));
        assert!(!Accepted.may_become(Rejected));
        assert!(
            !ChangesRequested.may_become(Accepted),
            "the vendor revises first"
        );
        assert!(!InTriage.may_become(Submitted));
        assert!(Rejected.is_closed() && !ChangesRequested.is_closed());
    }

    #[test]
    fn the_tool_is_named_exactly_when_it_exists() {
        let list = SubmissionContent::SubprocessorList {
            list: SubprocessorRevisionInput {
                note: String::new(),
                source_url: None,
                entries: vec![],
            },
        };
        let s = SubmissionInput {
            tool_id: None,
            content: list,
            comment: String::new(),
        };
        let errs = s.validate().err().unwrap_or_default();
        assert_eq!(errs.0[0].pointer, "/tool_id");
    }
}
