DROP INDEX documents_tool;
ALTER TABLE documents DROP COLUMN expiry_announced_at;
ALTER TABLE documents DROP COLUMN expiry_warned_at;
ALTER TABLE documents DROP COLUMN uploaded_by;
ALTER TABLE documents DROP COLUMN scope;
ALTER TABLE documents DROP COLUMN filename;
DROP TABLE blobs;
