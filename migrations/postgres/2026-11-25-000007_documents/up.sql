-- Document bytes, addressed by their SHA-256: one row per content, however
-- many documents share it. In PostgreSQL mode the bytes are in `content`
-- (every replica sees them); on the embedded default they are files under
-- the data directory and `content` stays empty.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BYTEA,
    created_at TIMESTAMP NOT NULL
);

-- What the server found out about an upload, beside what the uploader said.
ALTER TABLE documents ADD COLUMN filename TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN scope TEXT;
ALTER TABLE documents ADD COLUMN uploaded_by TEXT NOT NULL DEFAULT '';
-- When the registry announced that the document expires soon, and that it
-- has expired (each once: document.expiring events).
ALTER TABLE documents ADD COLUMN expiry_warned_at TIMESTAMP;
ALTER TABLE documents ADD COLUMN expiry_announced_at TIMESTAMP;
CREATE INDEX documents_tool ON documents (tool_id, created_at);
