//! toolreg-core: the domain of the national registry of assessed learning
//! tools. Types, validation, risk scoring and diffs; no I/O.

pub mod parsed_text;
pub mod string_enum;
pub mod validation;
pub mod vendor_status;

pub mod caps;

pub mod country;
pub mod municipality_number;
pub mod org_number;
pub mod slug;

pub mod assessment;
pub mod audit;
pub mod change;
pub mod checkpoint;
pub mod condition;
pub mod data_flow;
pub mod delivery;
pub mod diff;
pub mod document;
pub mod event;
pub mod finding;
pub mod ids;
pub mod inventory;
pub mod organisation;
pub mod processing_record;
pub mod requirement;
pub mod risk;
pub mod screening;
pub mod submission;
pub mod subprocessor;
pub mod subprocessor_diff;
pub mod subscription;
pub mod tool;
pub mod verdict;

#[cfg(any(test, feature = "test-support"))]
pub mod test_builders;

pub use validation::{Validate, Violation, Violations};
