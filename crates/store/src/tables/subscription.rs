//! Subscriptions: who wants to hear about what.

use crate::connection::DbConnection;
use crate::error::{Entity, StoreError, StoreResult};
use crate::row::{from_json, parse_enum, parse_uuid, to_json};
use crate::schema::subscriptions;
use crate::time::{from_db, to_db};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use toolreg_core::subscription::{Subscription, SubscriptionInput};
use toolreg_core::Validate;
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
    active: bool,
    created_at: NaiveDateTime,
}

impl SubscriptionRow {
    fn into_domain(self) -> StoreResult<Subscription> {
        Ok(Subscription {
            id: parse_uuid("subscriptions.id", &self.id)?,
            organisation_id: parse_uuid("subscriptions.organisation_id", &self.organisation_id)?,
            input: SubscriptionInput {
                scope: from_json("subscriptions.scope", &self.scope)?,
                event_types: from_json("subscriptions.event_types", &self.event_types)?,
                min_severity: parse_enum("subscriptions.min_severity", &self.min_severity)?,
                channel: from_json("subscriptions.channel", &self.channel)?,
            },
            active: self.active,
            created_at: from_db(self.created_at),
        })
    }
}

pub fn create(
    conn: &mut DbConnection,
    id: Uuid,
    organisation_id: Uuid,
    input: &SubscriptionInput,
    now: DateTime<Utc>,
) -> StoreResult<Subscription> {
    input.validate()?;
    let row = SubscriptionRow {
        id: id.to_string(),
        organisation_id: organisation_id.to_string(),
        scope: to_json(&input.scope),
        event_types: to_json(&input.event_types),
        min_severity: input.min_severity.as_str().to_string(),
        channel: to_json(&input.channel),
        active: true,
        created_at: to_db(now),
    };
    diesel::insert_into(subscriptions::table)
        .values(&row)
        .execute(conn)?;
    row.into_domain()
}

pub fn get(conn: &mut DbConnection, id: Uuid) -> StoreResult<Subscription> {
    subscriptions::table
        .find(id.to_string())
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound(Entity::Subscription))?
        .into_domain()
}

pub fn list_for_organisation(
    conn: &mut DbConnection,
    organisation_id: Uuid,
) -> StoreResult<Vec<Subscription>> {
    subscriptions::table
        .filter(subscriptions::organisation_id.eq(organisation_id.to_string()))
        .order(subscriptions::created_at.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubscriptionRow::into_domain)
        .collect()
}

pub fn list_active(conn: &mut DbConnection) -> StoreResult<Vec<Subscription>> {
    subscriptions::table
        .filter(subscriptions::active.eq(true))
        .select(SubscriptionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SubscriptionRow::into_domain)
        .collect()
}

/// Stop a subscription. Rows stay so past deliveries keep their reference.
pub fn deactivate(conn: &mut DbConnection, id: Uuid) -> StoreResult<()> {
    let n = diesel::update(subscriptions::table.find(id.to_string()))
        .set(subscriptions::active.eq(false))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(Entity::Subscription));
    }
    Ok(())
}
