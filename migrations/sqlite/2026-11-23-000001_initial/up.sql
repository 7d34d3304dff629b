CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    org_number TEXT UNIQUE,
    municipality_number TEXT,
    country TEXT,
    website TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX organisations_kind_name ON organisations (kind, name);

CREATE TABLE tools (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    vendor_id TEXT NOT NULL REFERENCES organisations (id),
    summary TEXT NOT NULL,
    website TEXT,
    pricing TEXT,
    processes_personal_data TEXT NOT NULL,
    status TEXT NOT NULL,
    -- categories, age bands, login methods, platforms, personal data basis,
    -- Feide attributes and AI features as one JSON object; the filterable
    -- parts are copied into tool_facets.
    attributes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX tools_vendor ON tools (vendor_id);
CREATE INDEX tools_name ON tools (name, id);

-- One row per (tool, facet, value) so list filters are index look-ups,
-- not JSON scans: facet is category, age_band, login_method, platform.
CREATE TABLE tool_facets (
    tool_id TEXT NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tool_id, facet, value)
) WITHOUT ROWID;
CREATE INDEX tool_facets_lookup ON tool_facets (facet, value, tool_id);

CREATE TABLE subprocessor_revisions (
    id TEXT PRIMARY KEY NOT NULL,
    tool_id TEXT NOT NULL REFERENCES tools (id),
    revision INTEGER NOT NULL,
    note TEXT NOT NULL,
    source_url TEXT,
    entries TEXT NOT NULL,
    has_third_country BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (tool_id, revision)
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    reviewer_org_id TEXT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL,
    draft TEXT,
    draft_revision BIGINT NOT NULL,
    draft_updated_by TEXT,
    latest_version INTEGER,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdrawn_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE assessment_tools (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    tool_id TEXT NOT NULL REFERENCES tools (id),
    PRIMARY KEY (assessment_id, tool_id)
) WITHOUT ROWID;
CREATE INDEX assessment_tools_tool ON assessment_tools (tool_id, assessment_id);

-- Every row is a published version: drafts live in assessments.draft.
CREATE TABLE verdict_versions (
    id TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    version INTEGER NOT NULL,
    level TEXT NOT NULL,
    summary TEXT NOT NULL,
    content TEXT NOT NULL,
    change_note TEXT NOT NULL,
    review_due DATE,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    UNIQUE (assessment_id, version)
);
CREATE INDEX verdict_versions_published ON verdict_versions (assessment_id, published_at);

CREATE TABLE subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    scope TEXT NOT NULL,
    event_types TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    channel TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (organisation_id);

CREATE TABLE submissions (
    id TEXT PRIMARY KEY NOT NULL,
    vendor_org_id TEXT NOT NULL REFERENCES organisations (id),
    tool_id TEXT REFERENCES tools (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    reviewer_comments TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX submissions_vendor ON submissions (vendor_org_id, created_at);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    owner_org_id TEXT NOT NULL REFERENCES organisations (id),
    tool_id TEXT REFERENCES tools (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    visibility TEXT NOT NULL,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_owner ON documents (owner_org_id);
CREATE INDEX documents_expiry ON documents (expires_at);

-- sequence is assigned by the application inside the writing transaction,
-- because each entry must hash its predecessor.
CREATE TABLE audit_entries (
    sequence BIGINT PRIMARY KEY NOT NULL,
    time TIMESTAMP NOT NULL,
    actor_sub TEXT NOT NULL,
    actor_org TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    request_id TEXT,
    state_sha256 TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL
);
CREATE INDEX audit_entries_target ON audit_entries (target, sequence);

CREATE TABLE events (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    severity TEXT NOT NULL,
    subject TEXT NOT NULL,
    time TIMESTAMP NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id),
    event_id TEXT NOT NULL REFERENCES events (id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

-- A published verdict is never rewritten: the database refuses, whatever
-- the code does.
CREATE TRIGGER verdict_versions_refuse_update BEFORE UPDATE ON verdict_versions
BEGIN
    SELECT RAISE(ABORT, 'verdict_versions are immutable once published');
END;
CREATE TRIGGER verdict_versions_refuse_delete BEFORE DELETE ON verdict_versions
BEGIN
    SELECT RAISE(ABORT, 'verdict_versions are immutable once published');
END;
