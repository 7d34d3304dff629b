ALTER TABLE deliveries DROP COLUMN about_subscription_id;
