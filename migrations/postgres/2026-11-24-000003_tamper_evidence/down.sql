DROP TABLE audit_checkpoints;
DROP TRIGGER audit_entries_refuse_truncate ON audit_entries;
DROP TRIGGER audit_entries_refuse_change ON audit_entries;
DROP FUNCTION toolreg_refuse_audit_change();
