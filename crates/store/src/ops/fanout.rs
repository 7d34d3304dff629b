//! The notification fan-out: the events after the consumer's position
//! become one delivery per matching subscription (of those the
//! subscription's organisation may read: a private event only reaches its
//! own organisation and reviewers), and the position moves
//! past them, in one transaction. A crash before the commit leaves both
//! undone and the next step does them again; after it, both are there.
//! Two processes stepping at once take turns on the consumer's row.

use crate::connection::DbConnection;
use crate::error::StoreResult;
use crate::tables::delivery::{self, DeliveryRow};
use crate::tables::{event, event_consumer, inventory, subscription, tool};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use toolreg_core::event::{Event, EventReader, EventType};
use toolreg_core::subscription::{Channel, SubscriptionScope, ToolInScope};
use uuid::Uuid;

/// The consumer's name in `event_consumers`.
pub const CONSUMER: &str = "notifications";

/// When a delivery falls due: webhooks and immediate e-mail at once, a
/// digest's at its next digest hour, when the worker sends all that
/// gathered for it as one message.
fn due(channel: &Channel, now: DateTime<Utc>) -> DateTime<Utc> {
    match channel {
        Channel::Email { digest, .. } => digest.due(now),
        Channel::Webhook { .. } => now,
    }
}

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FanOut {
    pub events: usize,
    pub deliveries: usize,
    pub last_sequence: i64,
}

/// Fan out up to `max_events` new events. A consumer that never ran starts
/// at the end of the log: subscribers hear of changes from now on, not of
/// the registry's whole history.
pub fn step(conn: &mut DbConnection, now: DateTime<Utc>, max_events: i64) -> StoreResult<FanOut> {
    crate::write::write_transaction(conn, |conn| {
        let Some(from) = event_consumer::position_for_update(conn, CONSUMER)? else {
            let last = event::last_sequence(conn)?;
            event_consumer::set_position(conn, CONSUMER, last, now)?;
            return Ok(FanOut {
                last_sequence: last,
                ..FanOut::default()
            });
        };
        // Every event: each subscription is shown only what its
        // organisation may read, below.
        let events = event::list_after(conn, from, max_events, EventReader::Everything)?;
        let Some(last) = events.last().map(|e| e.sequence) else {
            return Ok(FanOut {
                last_sequence: from,
                ..FanOut::default()
            });
        };
        let subscriptions = subscription::list_collecting(conn)?;
        let tool_ids: Vec<Uuid> = events.iter().filter_map(Event::tool_id).collect();
        let tools: HashMap<Uuid, ToolInScope> = tool::get_many(conn, &tool_ids)?
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    ToolInScope {
                        id: t.id,
                        vendor_id: t.input.vendor_id,
                        categories: t.input.categories,
                    },
                )
            })
            .collect();
        // The tools each inventory-scoped subscriber uses, read once.
        let mut inventories: HashMap<Uuid, std::collections::HashSet<Uuid>> = HashMap::new();
        for sub in &subscriptions {
            if matches!(sub.input.scope, SubscriptionScope::Inventory {})
                && !inventories.contains_key(&sub.organisation_id)
            {
                let tools = inventory::tools_in_use(conn, sub.organisation_id)?;
                inventories.insert(sub.organisation_id, tools.into_iter().collect());
            }
        }
        let mut rows = Vec::new();
        for event in &events {
            // A bulk load is for copies of the registry (the search index),
            // not news for people.
            if event.event_type == EventType::RegistryLoaded {
                continue;
            }
            let tool = event.tool_id().and_then(|id| tools.get(&id));
            for sub in &subscriptions {
                // An event about no tool (a proposed one) reaches only
                // those who asked for every tool.
                let in_scope = match tool {
                    Some(tool) => sub.input.covers(tool, || {
                        inventories
                            .get(&sub.organisation_id)
                            .is_some_and(|used| used.contains(&tool.id))
                    }),
                    None => matches!(sub.input.scope, SubscriptionScope::All {}),
                };
                if sub.event_reader().sees(event.private_to, event.event_type)
                    && sub.input.accepts(event.event_type, event.severity)
                    && in_scope
                {
                    rows.push(DeliveryRow::new(
                        sub.id,
                        Some(event.id),
                        now,
                        due(&sub.input.channel, now),
                    ));
                }
            }
        }
        let deliveries = delivery::enqueue_rows(conn, &rows)?;
        event_consumer::set_position(conn, CONSUMER, last, now)?;
        Ok(FanOut {
            events: events.len(),
            deliveries,
            last_sequence: last,
        })
    })
}
