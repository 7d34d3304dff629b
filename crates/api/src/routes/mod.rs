//! Routes, one file per resource.

pub mod assessments;
pub mod audit;
pub mod documents;
pub mod drafts;
pub mod events;
pub mod feeds;
pub mod inventory;
pub mod organisations;
pub mod requirements;
pub mod search;
pub mod submissions;
pub mod subprocessors;
pub mod subscriptions;
pub mod tools;
pub mod vendors;
pub mod verdicts;

use crate::problem::Problem;
use uuid::Uuid;

/// Parse an id from a path segment, naming the parameter on failure.
pub(crate) fn parse_id(name: &str, raw: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(raw).map_err(|_| {
        Problem::invalid_input(
            format!("/{name}"),
            format!("«{raw}» er ikke en gyldig id (UUID)"),
        )
    })
}
