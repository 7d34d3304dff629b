-- REPLACE (INSERT OR REPLACE, REPLACE INTO) deletes the conflicting row
-- without firing DELETE triggers (recursive_triggers is off by default), so
-- a published version could be rewritten past verdict_versions_refuse_*.
-- BEFORE INSERT runs before conflict resolution: refuse any insert that
-- would collide with a published version or an audit entry.
CREATE TRIGGER verdict_versions_refuse_replace BEFORE INSERT ON verdict_versions
-- Two EXISTS, each an index look-up; one OR of both would scan the table
-- on every insert.
WHEN EXISTS (SELECT 1 FROM verdict_versions WHERE id = NEW.id)
    OR EXISTS (
        SELECT 1 FROM verdict_versions
        WHERE assessment_id = NEW.assessment_id AND version = NEW.version
    )
BEGIN
    SELECT RAISE(ABORT, 'verdict_versions are immutable once published');
END;

-- The audit trail is append-only.
CREATE TRIGGER audit_entries_refuse_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries are append-only');
END;
CREATE TRIGGER audit_entries_refuse_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit_entries are append-only');
END;
CREATE TRIGGER audit_entries_refuse_replace BEFORE INSERT ON audit_entries
WHEN EXISTS (SELECT 1 FROM audit_entries WHERE sequence = NEW.sequence)
BEGIN
    SELECT RAISE(ABORT, 'audit_entries are append-only');
END;

-- Signed checkpoints of the audit chain head (see toolreg-store::checkpoint).
CREATE TABLE audit_checkpoints (
    sequence BIGINT PRIMARY KEY NOT NULL,
    entry_hash TEXT NOT NULL,
    time TIMESTAMP NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
