-- A municipality's (or county's) own part: the tools its schools use, the
-- local part of each national verdict it relies on, its DPIA screening and
-- its acceptance. Private to that organisation (and admins).
CREATE TABLE inventory_entries (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- The registry's tool; NULL for a local tool not (yet) in the registry,
    -- named in details.
    tool_id TEXT REFERENCES tools (id),
    -- trial, in_use, phasing_out or stopped: a column so the public count
    -- of municipalities using a tool is an index look-up.
    usage_status TEXT NOT NULL,
    -- What the municipality says about its use, as one JSON object.
    details TEXT NOT NULL,
    -- Condition follow-up, local settings and local risks, as one JSON
    -- object.
    local_part TEXT NOT NULL,
    -- The last screening (answers and outcome), as one JSON object.
    screening TEXT,
    -- The controller's acceptance (who, when, which verdict version), as
    -- one JSON object.
    acceptance TEXT,
    -- Set in the transaction that publishes or withdraws a verdict the
    -- acceptance rests on; cleared by the next acceptance.
    verdict_changed_at TIMESTAMP,
    -- When a local tool was proposed to the national reviewers.
    proposed_at TIMESTAMP,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, tool_id)
);
CREATE INDEX inventory_entries_org ON inventory_entries (organisation_id, id);
CREATE INDEX inventory_entries_tool ON inventory_entries (tool_id, usage_status, organisation_id);
