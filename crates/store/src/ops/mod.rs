//! Workflows: changes that touch several tables, each committed through
//! the change pipeline (`change`), which records the audit entry, events,
//! derived facets and store generation in the same transaction. Workflows
//! may use every table module and each other; table modules never use them.

pub mod assessment;
pub mod bulk;
pub mod change;
pub mod checkpoint;
pub mod derived_facets;
pub mod document;
pub mod fanout;
pub mod integrity;
pub mod inventory;
pub mod organisation;
pub mod requirements;
pub mod submission;
pub mod subprocessors;
pub mod subscription;
pub mod tool;
pub mod vendor_status;
