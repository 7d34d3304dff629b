DROP TABLE tool_revisions;
