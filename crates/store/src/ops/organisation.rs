//! Registering and changing an organisation, through the change pipeline.
//! Organisations are not announced as events: subscribers follow tools.

use crate::error::{StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::organisation;
use crate::DbConnection;
use toolreg_core::change::{Action, Target};
use toolreg_core::ids::OrganisationId;
use toolreg_core::organisation::{Organisation, OrganisationInput};
use toolreg_core::Validate;

fn check_org_number(
    conn: &mut DbConnection,
    input: &OrganisationInput,
    except: Option<OrganisationId>,
) -> StoreResult<()> {
    match input.normalised_org_number() {
        Some(n) if organisation::org_number_taken(conn, &n, except.map(OrganisationId::uuid))? => {
            Err(StoreError::taken("org_number"))
        }
        _ => Ok(()),
    }
}

/// Create an organisation with a caller-chosen id.
pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: OrganisationId,
    input: &OrganisationInput,
) -> StoreResult<Organisation> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        check_org_number(conn, input, None)?;
        let o = organisation::insert(conn, id.uuid(), input, ctx.now)?;
        let change = Change::new(Action::OrganisationCreate, Target::Organisation(id), &o);
        Ok((o, change))
    })
}

/// Replace an organisation, if it is still at `expected_revision`.
pub fn update(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: OrganisationId,
    input: &OrganisationInput,
    expected_revision: Option<i64>,
) -> StoreResult<Organisation> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        let current = organisation::get(conn, id.uuid())?;
        if expected_revision.is_some_and(|r| r != current.revision) {
            return Err(StoreError::Stale);
        }
        check_org_number(conn, input, Some(id))?;
        let o = organisation::update_if_unchanged(conn, &current, input, ctx.now)?;
        let change = Change::new(Action::OrganisationUpdate, Target::Organisation(id), &o);
        Ok((o, change))
    })
}
