-- A vendor's answers to the requirement catalogue, per tool, each tied to
-- the catalogue version it answered.
CREATE TABLE requirement_answers (
    tool_id TEXT NOT NULL REFERENCES tools (id),
    catalogue_version INTEGER NOT NULL,
    requirement_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    comment TEXT NOT NULL,
    evidence_document_id TEXT REFERENCES documents (id),
    answered_by TEXT NOT NULL,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tool_id, catalogue_version, requirement_id)
);
