-- The audit trail is append-only, as published verdict versions are
-- immutable (PostgreSQL has no REPLACE; ON CONFLICT DO UPDATE fires the
-- UPDATE triggers).
CREATE FUNCTION toolreg_refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries are append-only'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER audit_entries_refuse_change BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION toolreg_refuse_audit_change();
CREATE TRIGGER audit_entries_refuse_truncate BEFORE TRUNCATE ON audit_entries
    FOR EACH STATEMENT EXECUTE FUNCTION toolreg_refuse_audit_change();

-- Signed checkpoints of the audit chain head (see toolreg-store::checkpoint).
CREATE TABLE audit_checkpoints (
    sequence BIGINT PRIMARY KEY NOT NULL,
    entry_hash TEXT NOT NULL,
    time TIMESTAMP NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
