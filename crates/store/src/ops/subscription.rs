//! Creating and changing subscriptions, through the change pipeline: each
//! change is an audit entry (subscriptions are not announced as events).
//! The state hashed into the audit entry is the subscription as shown,
//! which never holds its secret.

use crate::error::{StoreError, StoreResult};
use crate::ops::change::{self, Change, ChangeContext};
use crate::tables::subscription::Subscriber;
use crate::tables::{delivery, subscription};
use crate::DbConnection;
use chrono::{DateTime, Utc};
use toolreg_core::change::{Action, Target};
use toolreg_core::subscription::{Channel, Subscription, SubscriptionInput, SubscriptionStatus};
use toolreg_core::Validate;
use uuid::Uuid;

fn recorded(action: Action, s: Subscription) -> StoreResult<(Subscription, Change)> {
    let change = Change::new(action, Target::Subscription(s.id), &s);
    Ok((s, change))
}

/// The subscription, if it is still at `expected_version`.
fn current(
    conn: &mut DbConnection,
    id: Uuid,
    expected_version: Option<i32>,
) -> StoreResult<Subscription> {
    let s = subscription::get(conn, id)?;
    if expected_version.is_some_and(|v| v != s.version) {
        return Err(StoreError::Stale);
    }
    Ok(s)
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    subscriber: Subscriber,
    input: &SubscriptionInput,
    secret: Option<&str>,
) -> StoreResult<Subscription> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        let s = subscription::insert(conn, id, subscriber, input, secret, ctx.now)?;
        recorded(Action::SubscriptionCreate, s)
    })
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    input: &SubscriptionInput,
    expected_version: Option<i32>,
) -> StoreResult<Subscription> {
    input.validate()?;
    change::apply(conn, ctx, |conn| {
        let s = current(conn, id, expected_version)?;
        let s = subscription::replace(conn, &s, input, ctx.now)?;
        recorded(Action::SubscriptionUpdate, s)
    })
}

/// Pause, resume, delete, or disable (the registry, after a 410).
pub fn set_status(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    status: SubscriptionStatus,
    reason: Option<&str>,
    expected_version: Option<i32>,
) -> StoreResult<Subscription> {
    change::apply(conn, ctx, |conn| {
        let s = current(conn, id, expected_version)?;
        let s = subscription::set_status(conn, &s, status, reason, ctx.now)?;
        let action = match status {
            SubscriptionStatus::Active => Action::SubscriptionResume,
            SubscriptionStatus::Paused => Action::SubscriptionPause,
            SubscriptionStatus::Disabled => Action::SubscriptionDisable,
            SubscriptionStatus::Deleted => Action::SubscriptionDelete,
        };
        recorded(action, s)
    })
}

/// The registry turns a subscription off (its webhook answered 410 Gone)
/// and, in the same transaction, queues a notice to each e-mail
/// subscription of the same owner, so the people responsible hear of it.
/// Returns the subscription and how many notices were queued.
pub fn disable_and_notify(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    reason: &str,
) -> StoreResult<(Subscription, usize)> {
    change::apply(conn, ctx, |conn| {
        let s = current(conn, id, None)?;
        let s = subscription::set_status(
            conn,
            &s,
            SubscriptionStatus::Disabled,
            Some(reason),
            ctx.now,
        )?;
        let recipients: Vec<Uuid> = subscription::list_collecting(conn)?
            .into_iter()
            .filter(|r| {
                r.organisation_id == s.organisation_id
                    && matches!(r.input.channel, Channel::Email { .. })
            })
            .map(|r| r.id)
            .collect();
        let notices = delivery::enqueue_notices(conn, &recipients, s.id, ctx.now)?;
        let (s, change) = recorded(Action::SubscriptionDisable, s)?;
        Ok(((s, notices), change))
    })
}

/// A new signing secret; the old one signs too until `grace_until`.
pub fn rotate_secret(
    conn: &mut DbConnection,
    ctx: &ChangeContext,
    id: Uuid,
    new_secret: &str,
    grace_until: DateTime<Utc>,
) -> StoreResult<Subscription> {
    change::apply(conn, ctx, |conn| {
        let s = current(conn, id, None)?;
        let s = subscription::rotate_secret(conn, &s, new_secret, grace_until, ctx.now)?;
        recorded(Action::SubscriptionRotateSecret, s)
    })
}
