DROP TABLE tool_revisions;
DROP FUNCTION toolreg_refuse_history_change();
