DROP STATISTICS tool_facets_facet_value;
DROP INDEX tool_facets_lookup;
CREATE INDEX tool_facets_lookup ON tool_facets (facet, value, tool_id);
ALTER TABLE tool_facets DROP COLUMN tool_name;
