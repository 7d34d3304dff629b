//! Who may edit which tool, and which fields: reviewers and admins edit any
//! tool and field; a vendor edits only its own organisation's tools, and of
//! those only the descriptive fields (`ToolInput::reviewed_changes`).

use super::{Caller, Who};
use crate::problem::Problem;
use toolreg_core::tool::ToolInput;
use toolreg_store::tables::organisation;
use toolreg_store::DbConnection;
use uuid::Uuid;

/// In what capacity a caller edits a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    /// An admin or a reviewer of a registered reviewing organisation: any
    /// field.
    Reviewer,
    /// The tool's own vendor: descriptive fields only.
    Vendor,
}

/// Reviewers and admins edit any tool; a vendor only its own organisation's,
/// matched on the token's `org` claim against the vendor's org number.
pub fn may_edit_tools_of(
    conn: &mut DbConnection,
    caller: &Caller,
    vendor_id: Uuid,
) -> Result<Editor, Problem> {
    // The `AsToolEditor` extractor has already turned anonymous callers away.
    if caller.require(Who::Admin).is_ok() {
        return Ok(Editor::Reviewer);
    }
    if caller.require(Who::Reviewer).is_ok() {
        super::acting_org(conn, caller, toolreg_auth::Role::Reviewer)?;
        return Ok(Editor::Reviewer);
    }
    let vendor = organisation::get(conn, vendor_id)?;
    if caller.is_vendor_of(vendor.org_number.as_deref()) {
        Ok(Editor::Vendor)
    } else {
        Err(super::forbidden())
    }
}

impl Editor {
    /// How the tool's history names the capacity.
    pub fn label(self, caller: &Caller) -> &'static str {
        match self {
            Editor::Vendor => "vendor",
            Editor::Reviewer if caller.require(Who::Reviewer).is_ok() => "reviewer",
            Editor::Reviewer => "admin",
        }
    }

    /// Refuse a vendor's change to fields only a reviewer may set.
    pub fn check_fields(self, input: &ToolInput, before: &ToolInput) -> Result<(), Problem> {
        if self == Editor::Reviewer {
            return Ok(());
        }
        let facts = input.reviewed_changes(before);
        if facts.is_empty() {
            Ok(())
        } else {
            Err(reviewed_fields_problem(&facts))
        }
    }
}

/// 403 naming each field a vendor tried to set that only a reviewer may.
fn reviewed_fields_problem(fields: &[&str]) -> Problem {
    let mut p = super::forbidden_because(
        "Leverandører kan selv endre navn, beskrivelse, nettsted, plattformer og pris. \
         Fakta en vurdering bygger på (personopplysninger, Feide-attributter, KI-funksjoner, \
         innlogging, alderstrinn, kategorier og identitet) endres bare av en vurderer.",
    );
    p.errors = fields
        .iter()
        .map(|f| toolreg_core::Violation {
            pointer: format!("/{f}"),
            message: "kan bare endres av en vurderer".into(),
        })
        .collect();
    p
}
