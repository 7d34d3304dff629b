//! What a change is: an `Action` done to a `Target`. The audit trail names
//! both, and event subjects use the same addressing, so one path finds a
//! resource's entries and its events alike.

use crate::ids::{AssessmentId, OrganisationId, ToolId};
use std::fmt;
use uuid::Uuid;

crate::string_enum! {
    /// Every kind of change the registry records. The text is what the
    /// audit trail stores; it never changes once written.
    pub enum Action {
        OrganisationCreate => "organisation.create",
        OrganisationUpdate => "organisation.update",
        ToolCreate => "tool.create",
        ToolUpdate => "tool.update",
        SubprocessorsRevise => "subprocessors.revise",
        AssessmentCreate => "assessment.create",
        DraftReplace => "assessment.draft",
        /// Its entry's state is the version as published, so
        /// `toolreg audit verify` can recompute it from the stored version.
        Publish => "assessment.publish",
        Withdraw => "assessment.withdraw",
        /// A bulk load (seed or import): one entry for the load as a whole;
        /// its publications have their own `Publish` entries.
        BulkLoad => "bulk.load",
        SubscriptionCreate => "subscription.create",
        SubscriptionUpdate => "subscription.update",
        SubscriptionPause => "subscription.pause",
        SubscriptionResume => "subscription.resume",
        /// The registry stopped it: the receiver answered 410 Gone.
        SubscriptionDisable => "subscription.disable",
        SubscriptionDelete => "subscription.delete",
        SubscriptionRotateSecret => "subscription.rotate_secret",
        DocumentUpload => "document.upload",
        /// A restricted document's bytes were read: who read what is part
        /// of the trail.
        DocumentDownload => "document.download",
        /// A vendor's whole set of answers to one catalogue version.
        RequirementsAnswer => "requirements.answer",
        /// The registry announced a document's coming or past expiry.
        DocumentExpiry => "document.expiry",
        SubmissionCreate => "submission.create",
        SubmissionRevise => "submission.revise",
        SubmissionComment => "submission.comment",
        /// A reviewer moved it on; accepting also records what it applied
        /// (the tool or subprocessor revision has its own entry).
        SubmissionTriage => "submission.triage",
        InventoryCreate => "inventory.create",
        InventoryUpdate => "inventory.update",
        /// The municipality's follow-up of the verdict's conditions, local
        /// settings and risks.
        InventoryLocalPart => "inventory.local_part",
        InventoryScreen => "inventory.screen",
        /// The controller accepted a verdict version for local use.
        InventoryAccept => "inventory.accept",
        /// A local tool proposed to the national reviewers.
        InventoryPropose => "inventory.propose",
    }
}

/// A resource, addressed as its path under `/api/v1` with ids (never
/// slugs, which can change): `tools/{id}`, `assessments/{id}/versions/{n}`.
/// A path names its resource and, as a prefix, everything under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Organisation(OrganisationId),
    Tool(ToolId),
    SubprocessorRevision {
        tool: ToolId,
        revision: i32,
    },
    Assessment(AssessmentId),
    VerdictVersion {
        assessment: AssessmentId,
        version: i32,
    },
    /// A bulk load, named by an id of its own.
    Load(Uuid),
    Subscription(Uuid),
    Document(Uuid),
    Submission(Uuid),
    /// A tool's answers to one version of the requirement catalogue.
    RequirementAnswers {
        tool: ToolId,
        catalogue_version: i32,
    },
    /// An entry of an organisation's inventory.
    InventoryEntry {
        organisation: Uuid,
        entry: Uuid,
    },
}

impl Target {
    pub fn path(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Organisation(id) => write!(f, "organisations/{id}"),
            Target::Tool(id) => write!(f, "tools/{id}"),
            Target::SubprocessorRevision { tool, revision } => {
                write!(f, "tools/{tool}/subprocessors/revisions/{revision}")
            }
            Target::Assessment(id) => write!(f, "assessments/{id}"),
            Target::VerdictVersion {
                assessment,
                version,
            } => write!(f, "assessments/{assessment}/versions/{version}"),
            Target::Load(id) => write!(f, "loads/{id}"),
            Target::Subscription(id) => write!(f, "subscriptions/{id}"),
            Target::Document(id) => write!(f, "documents/{id}"),
            Target::Submission(id) => write!(f, "submissions/{id}"),
            Target::RequirementAnswers {
                tool,
                catalogue_version,
            } => write!(f, "tools/{tool}/requirement-answers/{catalogue_version}"),
            Target::InventoryEntry {
                organisation,
                entry,
            } => write!(f, "organisations/{organisation}/inventory/{entry}"),
        }
    }
}

/// Whether `path` is `scope` or lies under it (`assessments/a` covers
/// `assessments/a/versions/2`, not `assessments/ab`).
pub fn path_within(path: &str, scope: &str) -> bool {
    path == scope
        || path
            .strip_prefix(scope)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_paths_with_ids() {
        let a = Uuid::from_u128(1);
        let (assessment, tool) = (AssessmentId(a), ToolId(a));
        assert_eq!(
            Target::VerdictVersion {
                assessment,
                version: 2
            }
            .path(),
            format!("assessments/{a}/versions/2")
        );
        assert_eq!(
            Target::SubprocessorRevision { tool, revision: 3 }.path(),
            format!("tools/{a}/subprocessors/revisions/3")
        );
        assert!(path_within(
            &format!("assessments/{a}/versions/2"),
            &format!("assessments/{a}")
        ));
        assert!(!path_within(
            &format!("assessments/{a}0"),
            &format!("assessments/{a}")
        ));
        assert_eq!(
            "assessment.publish".parse::<Action>().ok(),
            Some(Action::Publish)
        );
    }
}
