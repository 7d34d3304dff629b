-- A private event is for one organisation (the vendor whose submission it
-- is about) and for the national reviewers and admins; NULL is a public
-- event, everyone's. Readers of the log, the feeds and the notification
-- fan-out honour it. No foreign key: SQLite cannot drop a column that
-- takes part in one, and organisations are never removed.
ALTER TABLE events ADD COLUMN private_to TEXT;

-- The capacity an organisation subscribed in, which decides the private
-- events its subscription hears of: a reviewer every one, a vendor or a
-- municipality its own. Every subscription so far was a municipality's.
ALTER TABLE subscriptions ADD COLUMN subscriber_role TEXT NOT NULL DEFAULT 'municipality';
