-- Every state of every tool, so its history can be read: what changed,
-- when, and in what capacity (vendor, reviewer, admin, import). Who exactly
-- is in the audit trail.
CREATE TABLE tool_revisions (
    tool_id TEXT NOT NULL REFERENCES tools (id),
    revision BIGINT NOT NULL,
    input TEXT NOT NULL,
    changed_fields TEXT NOT NULL,
    editor TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tool_id, revision)
) WITHOUT ROWID;
CREATE TRIGGER tool_revisions_refuse_update BEFORE UPDATE ON tool_revisions
BEGIN
    SELECT RAISE(ABORT, 'tool_revisions are history');
END;
CREATE TRIGGER tool_revisions_refuse_delete BEFORE DELETE ON tool_revisions
BEGIN
    SELECT RAISE(ABORT, 'tool_revisions are history');
END;
