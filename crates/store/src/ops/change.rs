//! The change pipeline: every write of the registry goes through
//! [`apply`], which runs the workflow and then, in the same transaction,
//! records its side effects in one place — the audit entry, the events,
//! the derived facets of the tools it touched, and the store generation.
//! No caller can forget one of them, and none can commit without the others.
//!
//! # Why a reader of "events after N" never misses one
//!
//! Event sequence numbers come from the database (a PostgreSQL sequence,
//! SQLite's rowid). On PostgreSQL a sequence number is taken at insert and
//! becomes visible at commit, so without more care transaction A could take
//! 10, B take 11 and commit first, and a reader polling `after=9` would see
//! 11, move on, and never read 10. [`commit`] prevents this by taking the
//! audit chain's table lock (`SHARE ROW EXCLUSIVE` on `audit_entries`, which
//! conflicts with itself) *before* inserting events, and holding it until
//! the transaction ends. Writers therefore take sequence numbers one
//! transaction at a time: every number a later writer takes is taken after
//! the earlier writer committed. A reader whose snapshot shows event N thus
//! also shows every event below N that will ever commit. On SQLite a write
//! transaction (`BEGIN IMMEDIATE`) already excludes every other writer.
//! Events are appended nowhere else (`tables::event::append_all` is
//! crate-private and called only here).

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::ops::derived_facets;
use crate::tables::audit::{self, Actor};
use crate::tables::event::{self, NewEvent};
use crate::tables::generation;
use chrono::{DateTime, Utc};
use toolreg_core::change::{Action, Target};
use uuid::Uuid;

/// Who makes a change, under which request, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeContext {
    pub actor: Actor,
    pub now: DateTime<Utc>,
}

impl ChangeContext {
    pub fn new(sub: &str, org: Option<&str>, request_id: Option<&str>) -> Self {
        Self {
            actor: Actor {
                sub: sub.to_string(),
                org: org.map(str::to_owned),
                request_id: request_id.map(str::to_owned),
            },
            now: crate::time::now(),
        }
    }

    /// The same change made at a fixed time (tests, loads).
    pub fn at(mut self, now: DateTime<Utc>) -> Self {
        self.now = now;
        self
    }
}

/// What one change records besides itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub action: Action,
    pub target: Target,
    /// `toolreg_core::audit::state_hash` of the new state.
    pub state_sha256: String,
    pub events: Vec<NewEvent>,
    /// Tools whose derived facets (verdict in force, third country) the
    /// change may have moved.
    pub tools: Vec<Uuid>,
}

impl Change {
    pub fn new<T: serde::Serialize + ?Sized>(action: Action, target: Target, state: &T) -> Self {
        Self {
            action,
            target,
            state_sha256: toolreg_core::audit::state_hash(state),
            events: Vec::new(),
            tools: Vec::new(),
        }
    }

    pub fn with_events(mut self, events: Vec<NewEvent>) -> Self {
        self.events = events;
        self
    }

    pub fn refreshing(mut self, tools: &[Uuid]) -> Self {
        self.tools = tools.to_vec();
        self
    }
}

/// Run `workflow` in a write transaction and commit its change with it.
pub fn apply<T, F>(conn: &mut DbConnection, ctx: &ChangeContext, workflow: F) -> StoreResult<T>
where
    F: FnOnce(&mut DbConnection) -> StoreResult<(T, Change)>,
{
    crate::write::write_transaction(conn, |conn| {
        let (value, change) = workflow(conn)?;
        commit(conn, ctx, std::slice::from_ref(&change))?;
        Ok(value)
    })
}

/// Record the side effects of `changes`, in order, inside the caller's
/// write transaction: derived facets first (they take the tools' row locks,
/// which every writer takes before the audit lock), then the audit entries
/// (taking the lock that orders events, see the module doc), the events,
/// and one generation bump.
pub fn commit(conn: &mut DbConnection, ctx: &ChangeContext, changes: &[Change]) -> StoreResult<()> {
    let mut tools: Vec<Uuid> = changes
        .iter()
        .flat_map(|c| c.tools.iter().copied())
        .collect();
    tools.sort();
    tools.dedup();
    crate::write::lock_tools(conn, &tools)?;
    for tool in &tools {
        derived_facets::refresh(conn, *tool)?;
    }
    let paths: Vec<String> = changes.iter().map(|c| c.target.path()).collect();
    let entries: Vec<(&str, &str, String)> = changes
        .iter()
        .zip(&paths)
        .map(|(c, path)| (c.action.as_str(), path.as_str(), c.state_sha256.clone()))
        .collect();
    audit::append_many(conn, &ctx.actor, &entries, ctx.now)?;
    let events: Vec<NewEvent> = changes.iter().flat_map(|c| c.events.clone()).collect();
    event::append_all(conn, &events, ctx.now)?;
    generation::bump(conn)
}
