ALTER TABLE subscriptions DROP COLUMN subscriber_role;
ALTER TABLE events DROP COLUMN private_to;
