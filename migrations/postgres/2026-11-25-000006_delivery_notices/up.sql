-- A notice to a subscription's owner about another of its subscriptions
-- (a webhook the registry turned off after 410 Gone), sent through the
-- owner's e-mail subscriptions. No foreign key: subscriptions are never
-- removed (a deleted one keeps its row), and SQLite cannot drop a column
-- that takes part in one.
ALTER TABLE deliveries ADD COLUMN about_subscription_id TEXT;
