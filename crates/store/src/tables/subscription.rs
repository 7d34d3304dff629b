//! Subscriptions: who wants to hear about what, and the secrets their
//! webhooks are signed with (never part of the `Subscription` the API
//! shows; read by the sender only).

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::subscriptions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::subscription::{
    SubscriberRole, Subscription, SubscriptionInput, SubscriptionStatus,
};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = subscriptions)]
struct SubscriptionRow {
    id: String,
    organisation_id: String,
    scope: String,
    event_types: String,
    min_severity: String,
    channel: String,
    status: String,
    status_reason: Option<String>,
    secret: Option<String>,
    previous_secret: Option<String>,
    previous_secret_expires_at: Option<NaiveDateTime>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    subscriber_role: String,
}

impl SubscriptionRow {
    fn into_domain(self) -> StoreResult<Subscription> {
        Ok(Subscription {
            id: parse_uuid("subscriptions.id", &self.id)?,
            organisation_id: parse_uuid("subscriptions.organisation_id", &self.organisation_id)?,
            subscriber_role: parse_enum("subscriptions.subscriber_role", &self.subscriber_role)?,
            input: SubscriptionInput {
                scope: from_json("subscriptions.scope", &self.scope)?,
                event_types: from_json("subscriptions.event_types", &self.event_types)?,
                min_severity: parse_enum("subscriptions.min_severity", &self.min_severity)?,
                channel: from_json("subscriptions.channel", &self.channel)?,
            },
            status: parse_enum("subscriptions.status", &self.status)?,
            status_reason: self.status_reason,
            previous_secret_expires_at: self.previous_secret_expires_at.map(from_db),
            version: self.version,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

/// The secrets a webhook is signed with now: the current one, and the
/// previous one while its grace period lasts.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecrets {
    pub current: String,
    pub previous: Option<String>,
}

impl WebhookSecrets {
    /// The secrets in force at `now`: the current one, and the previous
    /// one until its grace period ends. None without a current secret.
    fn in_force(
        current: Option<String>,
        previous: Option<String>,
        previous_until: Option<NaiveDateTime>,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        let in_grace = previous_until.is_some_and(|u| from_db(u) > now);
        current.map(|current| Self {
            current,
            previous: previous.filter(|_| in_grace),
        })
    }
}

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "WebhookSecrets(current, previous: {})",
            self.previous.is_some()
        )
    }
}

/// Who subscribes: an organisation, in one capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriber {
    pub organisation_id: Uuid,
    pub role: SubscriberRole,
}

impl Subscriber {
    /// A municipality (or county) subscribing for itself.
    pub fn municipality(organisation_id: Uuid) -> Self {
        Self {
            organisation_id,
            role: SubscriberRole::Municipality,
        }
    }
}

/// Insert a subscription; `secret` for a webhook (the `whsec_…` form).
pub fn insert(
    conn: &mut DbConnection,
    id: Uuid,
    subscriber: Subscriber,
    input: &SubscriptionInput,
    secret: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Subscription> {
    let row = SubscriptionRow {
        id: id.to_string(),
        organisation_id: subscriber.organisation_id.to_string(),
        subscriber_role: subscriber.role.as_str().to_string(),
        scope: to_json(&input.scope),
        event_types: to_json(&input.event_types),
        min_severity: input.min_severity.as_str().to_string(),
        channel: to_json(&input.channel),
        status: SubscriptionStatus::Active.as_str().to_string(),
        status_reason: None,
        secret: secret.map(str::to_owned),
        previous_secret: None,
        previous_secret_expires_at: None,
        version: 1,
        created_at: to_db(now),
        updated_at: to_db(now),
    };
    diesel::insert_into(subscriptions::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

/// A subscription that is not deleted.
pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Subscription> {
    let s = get_any(conn, id)?;
    if s.status == SubscriptionStatus::Deleted {
        return Err(StoreError::NotFound(Entity::Subscription));
    }
    Ok(s)
}

/// A subscription, deleted or not (the worker, past deliveries).
pub fn get_any(conn: &mut DbConnection, id: Uuid) -> StoreResult<Subscription> {
    subscriptions::table
        .find(id.to_string())
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Subscription))?
        .into_domain()
}

/// Subscriptions not deleted, oldest first (ids are time-ordered): one
/// organisation's, or all.
pub fn list(
    conn: &mut DbConnection,
    organisation_id: Option<Uuid>,
    page: &PageRequest,
) -> StoreResult<Page<Subscription>> {
    let mut query = subscriptions::table
        .filter(subscriptions::status.ne(SubscriptionStatus::Deleted.as_str()))
        .into_boxed();
    if let Some(org) = organisation_id {
        query = query.filter(subscriptions::organisation_id.eq(org.to_string()));
    }
    if let Some((_, after)) = page.after() {
        query = query.filter(subscriptions::id.gt(after.to_string()));
    }
    let rows = query
        .order(subscriptions::id.asc())
        .limit(page.fetch_limit())
        .select(SubscriptionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubscriptionRow::into_domain)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_fetched(rows, page.limit, |s| {
        (String::new(), s.id.to_string())
    }))
}

/// Subscriptions that collect deliveries: active and paused ones (a paused
/// one keeps its events for when it resumes).
pub fn list_collecting(conn: &mut DbConnection) -> StoreResult<Vec<Subscription>> {
    subscriptions::table
        .filter(subscriptions::status.eq_any([
            SubscriptionStatus::Active.as_str(),
            SubscriptionStatus::Paused.as_str(),
        ]))
        .select(SubscriptionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubscriptionRow::into_domain)
        .collect()
}

/// Bump the version of `current` (compare-and-set on it) with the given
/// columns changed; Stale when another writer came first.
macro_rules! update_versioned {
    ($conn:expr, $current:expr, $now:expr, $changes:expr) => {{
        let current: &Subscription = $current;
        let n = diesel::update(
            subscriptions::table
                .find(current.id.to_string())
                .filter(subscriptions::version.eq(current.version)),
        )
        .set((
            $changes,
            subscriptions::version.eq(current.version + 1),
            subscriptions::updated_at.eq(to_db($now)),
        ))
        .execute($conn)?;
        if n == 0 {
            return Err(StoreError::Stale);
        }
        get_any($conn, current.id)
    }};
}

pub fn replace(
    conn: &mut DbConnection,
    current: &Subscription,
    input: &SubscriptionInput,
    now: DateTime<Utc>,
) -> StoreResult<Subscription> {
    update_versioned!(
        conn,
        current,
        now,
        (
            subscriptions::scope.eq(to_json(&input.scope)),
            subscriptions::event_types.eq(to_json(&input.event_types)),
            subscriptions::min_severity.eq(input.min_severity.as_str()),
            subscriptions::channel.eq(to_json(&input.channel)),
        )
    )
}

pub fn set_status(
    conn: &mut DbConnection,
    current: &Subscription,
    status: SubscriptionStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<Subscription> {
    update_versioned!(
        conn,
        current,
        now,
        (
            subscriptions::status.eq(status.as_str()),
            subscriptions::status_reason.eq(reason),
        )
    )
}

/// Sign with `new_secret` from now on, and with the current one too until
/// `grace_until`.
pub fn rotate_secret(
    conn: &mut DbConnection,
    current: &Subscription,
    new_secret: &str,
    grace_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Subscription> {
    let old: Option<String> = subscriptions::table
        .find(current.id.to_string())
        .select(subscriptions::secret)
        .first(conn)?;
    update_versioned!(
        conn,
        current,
        now,
        (
            subscriptions::secret.eq(Some(new_secret)),
            subscriptions::previous_secret.eq(old),
            subscriptions::previous_secret_expires_at.eq(Some(to_db(grace_until))),
        )
    )
}

/// Subscriptions by id, deleted or not, with the secrets signing their
/// webhooks at `now` (none for e-mail): what a batch of deliveries needs,
/// in one query per 500.
pub fn get_many_with_secrets(
    conn: &mut DbConnection,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<Vec<(Subscription, Option<WebhookSecrets>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::ops::bulk::CHUNK) {
        let keys: Vec<String> = chunk.iter().map(Uuid::to_string).collect();
        let rows: Vec<SubscriptionRow> = subscriptions::table
            .filter(subscriptions::id.eq_any(keys))
            .select(SubscriptionRow::as_select())
            .load(conn)?;
        for row in rows {
            let secrets = WebhookSecrets::in_force(
                row.secret.clone(),
                row.previous_secret.clone(),
                row.previous_secret_expires_at,
                now,
            );
            out.push((row.into_domain()?, secrets));
        }
    }
    Ok(out)
}

/// The secrets signing a subscription's webhooks at `now`; `None` for a
/// subscription without a secret (e-mail).
pub fn secrets(
    conn: &mut DbConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<WebhookSecrets>> {
    let (current, previous, until): (Option<String>, Option<String>, Option<NaiveDateTime>) =
        subscriptions::table
            .find(id.to_string())
            .select((
                subscriptions::secret,
                subscriptions::previous_secret,
                subscriptions::previous_secret_expires_at,
            ))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound(Entity::Subscription))?;
    Ok(WebhookSecrets::in_force(current, previous, until, now))
}
