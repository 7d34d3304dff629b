//! Whether what the database holds is what was recorded: every published
//! verdict version against its own content hash and against the state hash
//! of its publication entry in the audit chain. Used by `toolreg audit
//! verify`; the chain itself is checked by `audit::first_broken`.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::schema::verdict_versions;
use crate::tables::verdict_version::VerdictRow;
use diesel::prelude::*;
use toolreg_core::audit::state_hash;
use toolreg_core::change::Target;

/// One version that is not what was published, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictProblem {
    pub target: String,
    pub problem: &'static str,
}

/// Check every published version; the ones that fail, in order.
pub fn verify_verdicts(conn: &mut DbConnection) -> StoreResult<Vec<VerdictProblem>> {
    let published = crate::tables::audit::publication_states(conn)?;
    let mut problems = Vec::new();
    let mut after: Option<(String, i32)> = None;
    loop {
        let mut q = verdict_versions::table
            .select(VerdictRow::as_select())
            .order((
                verdict_versions::assessment_id.asc(),
                verdict_versions::version.asc(),
            ))
            .limit(2000)
            .into_boxed();
        if let Some((a, v)) = &after {
            q = q.filter(
                verdict_versions::assessment_id
                    .gt(a.clone())
                    .or(verdict_versions::assessment_id
                        .eq(a.clone())
                        .and(verdict_versions::version.gt(*v))),
            );
        }
        let rows: Vec<VerdictRow> = q.load(conn)?;
        let Some(last) = rows.last() else {
            return Ok(problems);
        };
        after = Some((last.assessment_id().to_string(), last.version()));
        for row in rows {
            let target = match uuid::Uuid::parse_str(row.assessment_id()) {
                Ok(assessment) => Target::VerdictVersion {
                    assessment: assessment.into(),
                    version: row.version(),
                }
                .path(),
                Err(_) => format!(
                    "assessments/{}/versions/{}",
                    row.assessment_id(),
                    row.version()
                ),
            };
            let problem = match row.into_domain() {
                Err(_) => Some("innholdet stemmer ikke med content_sha256"),
                Ok(version) => match published.get(&target) {
                    None => Some("har ingen publiseringsoppføring i revisjonssporet"),
                    Some(recorded) => (state_hash(&version) != *recorded).then_some(
                        "er ikke det som ble publisert (revisjonssporet har en annen hash)",
                    ),
                },
            };
            if let Some(problem) = problem {
                problems.push(VerdictProblem { target, problem });
            }
        }
    }
}
