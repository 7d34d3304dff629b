// One schema for both backends, written with portable types only (Text,
// BigInt, Integer, Bool, Timestamp, Date). Kept in step with
// migrations/sqlite and migrations/postgres by the store tests, which run
// every query against both.

diesel::table! {
    organisations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        org_number -> Nullable<Text>,
        municipality_number -> Nullable<Text>,
        country -> Nullable<Text>,
        website -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        revision -> BigInt,
    }
}

diesel::table! {
    tools (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        vendor_id -> Text,
        summary -> Text,
        website -> Nullable<Text>,
        pricing -> Nullable<Text>,
        processes_personal_data -> Text,
        status -> Text,
        attributes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        revision -> BigInt,
    }
}

diesel::table! {
    tool_facets (tool_id, facet, value) {
        tool_id -> Text,
        facet -> Text,
        value -> Text,
        tool_name -> Text,
    }
}

diesel::table! {
    subprocessor_revisions (id) {
        id -> Text,
        tool_id -> Text,
        revision -> Integer,
        note -> Text,
        source_url -> Nullable<Text>,
        entries -> Text,
        has_third_country -> Bool,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        reviewer_org_id -> Text,
        status -> Text,
        draft -> Nullable<Text>,
        draft_revision -> BigInt,
        draft_updated_by -> Nullable<Text>,
        latest_version -> Nullable<Integer>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assessment_tools (assessment_id, tool_id) {
        assessment_id -> Text,
        tool_id -> Text,
    }
}

diesel::table! {
    verdict_versions (id) {
        id -> Text,
        assessment_id -> Text,
        version -> Integer,
        level -> Text,
        summary -> Text,
        content -> Text,
        change_note -> Text,
        review_due -> Nullable<Date>,
        published_at -> Timestamp,
        published_by -> Text,
        content_sha256 -> Text,
    }
}

diesel::table! {
    events (sequence) {
        sequence -> BigInt,
        id -> Text,
        event_type -> Text,
        severity -> Text,
        subject -> Text,
        time -> Timestamp,
        data -> Text,
        private_to -> Nullable<Text>,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        organisation_id -> Text,
        scope -> Text,
        event_types -> Text,
        min_severity -> Text,
        channel -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        secret -> Nullable<Text>,
        previous_secret -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        subscriber_role -> Text,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        event_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        first_attempt_at -> Nullable<Timestamp>,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        about_subscription_id -> Nullable<Text>,
    }
}

diesel::table! {
    event_consumers (name) {
        name -> Text,
        last_sequence -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    submissions (id) {
        id -> Text,
        vendor_org_id -> Text,
        tool_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        status -> Text,
        reviewer_comments -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        owner_org_id -> Text,
        tool_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        visibility -> Text,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        filename -> Text,
        scope -> Nullable<Text>,
        uploaded_by -> Text,
        expiry_warned_at -> Nullable<Timestamp>,
        expiry_announced_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    requirement_answers (tool_id, catalogue_version, requirement_id) {
        tool_id -> Text,
        catalogue_version -> Integer,
        requirement_id -> Text,
        answer -> Text,
        comment -> Text,
        evidence_document_id -> Nullable<Text>,
        answered_by -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        content -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_entries (sequence) {
        sequence -> BigInt,
        time -> Timestamp,
        actor_sub -> Text,
        actor_org -> Nullable<Text>,
        action -> Text,
        target -> Text,
        request_id -> Nullable<Text>,
        state_sha256 -> Text,
        prev_hash -> Text,
        entry_hash -> Text,
    }
}

diesel::table! {
    store_generation (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::joinable!(tools -> organisations (vendor_id));
diesel::joinable!(tool_facets -> tools (tool_id));
diesel::joinable!(subprocessor_revisions -> tools (tool_id));
diesel::joinable!(assessment_tools -> assessments (assessment_id));
diesel::joinable!(assessment_tools -> tools (tool_id));
diesel::joinable!(verdict_versions -> assessments (assessment_id));
diesel::joinable!(deliveries -> subscriptions (subscription_id));
diesel::joinable!(subscriptions -> organisations (organisation_id));

diesel::table! {
    audit_checkpoints (sequence) {
        sequence -> BigInt,
        time -> Timestamp,
        entry_hash -> Text,
        key_id -> Text,
        signature -> Text,
    }
}

diesel::table! {
    tool_revisions (tool_id, revision) {
        tool_id -> Text,
        revision -> BigInt,
        input -> Text,
        changed_fields -> Text,
        editor -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    inventory_entries (id) {
        id -> Text,
        organisation_id -> Text,
        tool_id -> Nullable<Text>,
        usage_status -> Text,
        details -> Text,
        local_part -> Text,
        screening -> Nullable<Text>,
        acceptance -> Nullable<Text>,
        verdict_changed_at -> Nullable<Timestamp>,
        proposed_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(inventory_entries -> organisations (organisation_id));
diesel::joinable!(inventory_entries -> tools (tool_id));

diesel::allow_tables_to_appear_in_same_query!(
    inventory_entries,
    organisations,
    tools,
    tool_facets,
    subprocessor_revisions,
    assessments,
    assessment_tools,
    verdict_versions,
    events,
    subscriptions,
    deliveries,
    event_consumers,
    submissions,
    documents,
    blobs,
    requirement_answers,
    audit_entries,
    audit_checkpoints,
    tool_revisions,
    store_generation,
);
