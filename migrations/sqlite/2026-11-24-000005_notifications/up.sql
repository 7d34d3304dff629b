-- Notifications, as the subscriptions API and the delivery worker need
-- them: a subscription has a status (active, paused, disabled by a 410,
-- deleted), a version for If-Match, a server-made signing secret and the
-- previous one during a rotation's grace period, and an e-mail channel
-- beside the webhook. A delivery has no event when it is a test message.
-- No release wrote these two tables (they had no API and no worker; only
-- store tests did), so they are made anew rather than converted.
DROP TABLE deliveries;
DROP TABLE subscriptions;

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    scope TEXT NOT NULL,
    event_types TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    status_reason TEXT,
    secret TEXT,
    previous_secret TEXT,
    previous_secret_expires_at TIMESTAMP,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (organisation_id, created_at);
CREATE INDEX subscriptions_status ON subscriptions (status);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    event_id TEXT REFERENCES events (id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_attempt_at TIMESTAMP,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_subscription ON deliveries (subscription_id, created_at);

-- A tool's feed reads its newest events.
CREATE INDEX events_subject ON events (subject, sequence);

-- How far each consumer of the event log has come (the notification
-- fan-out); moved in the same transaction as what it produced.
CREATE TABLE event_consumers (
    name TEXT PRIMARY KEY NOT NULL,
    last_sequence BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
