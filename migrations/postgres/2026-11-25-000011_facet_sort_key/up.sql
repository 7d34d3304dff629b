-- The tool's name on each of its facet rows, so a filtered list is read in
-- name order straight from the facet index: a page of 50 is 50 index
-- entries, not every matching tool sorted (3,193 of them for one filter at
-- 50,000 tools). Kept in step by the writes that rewrite a tool's facets.
ALTER TABLE tool_facets ADD COLUMN tool_name TEXT NOT NULL DEFAULT '';
UPDATE tool_facets SET tool_name = tools.name FROM tools WHERE tools.id = tool_facets.tool_id;
ALTER TABLE tool_facets ALTER COLUMN tool_name DROP DEFAULT;
DROP INDEX tool_facets_lookup;
CREATE INDEX tool_facets_lookup ON tool_facets (facet, value, tool_name, tool_id);
