//! A vendor answers the requirement catalogue for one of its tools: the
//! whole set for one catalogue version, checked against that version, with
//! evidence only from the vendor's own documents; audited.

use crate::error::{StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::{document, requirement_answer, tool};
use crate::DbConnection;
use toolreg_core::change::{Action, Target};
use toolreg_core::ids::ToolId;
use toolreg_core::requirement::{AnswerSet, AnswersInput, Catalogue};
use toolreg_core::{Validate, Violations};

/// Record `input` as the tool's answers to `catalogue` (the version it
/// names), replacing earlier answers to that version only.
pub fn answer(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    tool_id: ToolId,
    input: &AnswersInput,
    catalogue: &Catalogue,
) -> StoreResult<AnswerSet> {
    input.validate()?;
    input.check_against(catalogue)?;
    change::apply(conn, ctx, |conn| {
        let vendor = tool::vendor_of(conn, tool_id.uuid())?;
        let mut v = Violations::new();
        for (i, a) in input.answers.iter().enumerate() {
            let Some(doc) = a.evidence_document_id else {
                continue;
            };
            match document::get(conn, doc) {
                Ok(d) if d.owner_org_id == vendor => {}
                Ok(_) | Err(StoreError::NotFound(_)) => v.push(
                    format!("/answers/{i}/evidence_document_id"),
                    "må være et av leverandørens egne dokumenter",
                ),
                Err(e) => return Err(e),
            }
        }
        v.into_result()?;
        requirement_answer::replace(
            conn,
            tool_id.uuid(),
            catalogue.version,
            &input.answers,
            &ctx.actor.sub,
            ctx.now,
        )?;
        let recorded = requirement_answer::list(conn, tool_id.uuid(), catalogue.version)?;
        let set = AnswerSet::new(tool_id.uuid(), catalogue, recorded);
        let target = Target::RequirementAnswers {
            tool: tool_id,
            catalogue_version: catalogue.version,
        };
        let change = Change::new(Action::RequirementsAnswer, target, &set);
        Ok((set, change))
    })
}

/// A tool's answers to `catalogue`.
pub fn answers_of(
    conn: &mut DbConnection,
    tool_id: ToolId,
    catalogue: &Catalogue,
) -> StoreResult<AnswerSet> {
    let recorded = requirement_answer::list(conn, tool_id.uuid(), catalogue.version)?;
    Ok(AnswerSet::new(tool_id.uuid(), catalogue, recorded))
}
