//! One module per page type.

pub mod about;
pub mod history;
pub mod processing_record;
pub mod search;
pub mod tool;
pub mod vendor;

use toolreg_api::Problem;
use toolreg_store::tables::{assessment, organisation};
use toolreg_store::DbConnection;

/// Who made an assessment, as a page names it: the reviewing
/// organisation's name and the assessment's title.
pub(crate) fn reviewer_of(
    conn: &mut DbConnection,
    assessment_id: uuid::Uuid,
) -> Result<(String, String), Problem> {
    let a = assessment::get(conn, assessment_id)?;
    let org = organisation::get(conn, a.reviewer_org_id)?;
    Ok((org.name, a.title))
}
