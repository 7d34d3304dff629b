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
);
CREATE FUNCTION toolreg_refuse_history_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'tool_revisions are history'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER tool_revisions_refuse_change BEFORE UPDATE OR DELETE ON tool_revisions
    FOR EACH ROW EXECUTE FUNCTION toolreg_refuse_history_change();
