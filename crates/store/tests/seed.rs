//! The repository's sample data loads on both backends, satisfies what the
//! sample is promised to contain, and loads only once.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use toolreg_core::event::EventReader;
use toolreg_core::organisation::OrganisationKind;
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::seed::{self, seed_id, SeedFiles, SeedSet};
use toolreg_store::tables::*;
use toolreg_store::test_support::TestDb;
use toolreg_store::*;

fn sample() -> SeedSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../seed-data");
    let files = SeedFiles::read_dir(&dir).expect("seed-data is readable");
    SeedSet::parse(&files).expect("seed-data parses")
}

fn time(s: &str) -> DateTime<Utc> {
    s.parse().expect("RFC 3339 time")
}

#[test]
fn sample_data_loads_once_on_every_backend() {
    let seed_set = sample();
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        let backend = db.name();
        let first =
            seed::load(&mut conn, &seed_set, time("2026-11-01T00:00:00Z")).expect("first load");
        assert!(first.inserted.tools >= 30, "{backend}: {first:?}");
        assert!(first.inserted.assessments >= 8, "{backend}");
        assert_eq!(first.skipped, 0);
        // A load is one change: its entry, a publication entry per
        // version, one event, one generation step.
        let trail = audit::list(&mut conn, None, 0, 1000).expect("audit");
        assert_eq!(trail[0].action, "bulk.load", "{backend}");
        assert_eq!(trail.len(), 1 + first.inserted.verdicts, "{backend}");
        assert!(trail[1..].iter().all(|e| e.action == "assessment.publish"));
        let events = event::list_after(&mut conn, 0, 100, EventReader::Everything).expect("events");
        assert_eq!(events.len(), 1, "{backend}");
        assert_eq!(events[0].event_type.as_str(), "registry.loaded");
        assert_eq!(events[0].data["tools"], first.inserted.tools);
        let generation = generation::current(&mut conn).expect("generation");
        let second =
            seed::load(&mut conn, &seed_set, time("2026-11-02T00:00:00Z")).expect("second load");
        assert_eq!(
            second.inserted.rows, 0,
            "{backend}: second run writes nothing"
        );
        assert_eq!(
            (
                audit::list(&mut conn, None, 0, 1000).map(|t| t.len()).ok(),
                event::last_sequence(&mut conn).ok(),
                generation::current(&mut conn).ok()
            ),
            (
                Some(1 + first.inserted.verdicts),
                Some(events[0].sequence),
                Some(generation)
            ),
            "{backend}: and records nothing"
        );
        assert_eq!(
            second.skipped,
            first.inserted.organisations
                + first.inserted.tools
                + first.inserted.subprocessor_revisions
                + first.inserted.assessments
        );

        let count = |conn: &mut DbConnection, kind| {
            organisation::list(conn, Some(kind), &PageRequest::first(200))
                .expect("list")
                .items
                .len()
        };
        assert!(
            count(&mut conn, OrganisationKind::Vendor) >= 10,
            "{backend}: vendors"
        );
        assert!(
            count(&mut conn, OrganisationKind::Municipality) >= 5,
            "{backend}: municipalities"
        );
        assert!(
            count(&mut conn, OrganisationKind::Reviewer)
                + count(&mut conn, OrganisationKind::Network)
                >= 2,
            "{backend}: reviewers"
        );

        // The Google Workspace verdict went from not recommended to approved with conditions.
        let gw = seed_id("tool", "google-workspace-for-education");
        let level = |conn: &mut DbConnection, at: &str| {
            verdict_version::as_of(conn, gw, time(at))
                .expect("as_of")
                .map(|v| v.content.level)
        };
        assert_eq!(level(&mut conn, "2024-08-01T00:00:00Z"), None, "{backend}");
        assert_eq!(
            level(&mut conn, "2024-10-01T00:00:00Z"),
            Some(VerdictLevel::NotRecommended),
            "{backend}"
        );
        assert_eq!(
            level(&mut conn, "2025-06-01T00:00:00Z"),
            Some(VerdictLevel::ApprovedWithConditions),
            "{backend}"
        );
        assert_eq!(
            verdict_version::history_for_tool(&mut conn, gw)
                .map(|h| h.len())
                .ok(),
            Some(3)
        );

        // Canva's assessment was withdrawn: no verdict in force now, one before.
        let canva = seed_id("tool", "canva-for-education");
        assert_eq!(
            verdict_version::current(&mut conn, canva).ok(),
            Some(None),
            "{backend}"
        );
        assert!(
            verdict_version::as_of(&mut conn, canva, time("2025-01-01T00:00:00Z"))
                .ok()
                .flatten()
                .is_some()
        );

        // Derived list filters follow the verdict in force and the latest chain.
        let slugs = |conn: &mut DbConnection, filter: tool::ToolFilter| {
            read_model::list(conn, &filter, &PageRequest::first(200))
                .expect("list")
                .items
                .into_iter()
                .map(|v| v.tool.input.slug)
                .collect::<Vec<_>>()
        };
        let conditional = tool::ToolFilter {
            verdict_level: Some(VerdictLevel::ApprovedWithConditions),
            ..Default::default()
        };
        let conditional = slugs(&mut conn, conditional);
        assert!(
            conditional.contains(&"google-workspace-for-education".to_string()),
            "{backend}"
        );
        assert!(
            !conditional.contains(&"canva-for-education".to_string()),
            "{backend}: withdrawn"
        );
        let not_recommended = tool::ToolFilter {
            verdict_level: Some(VerdictLevel::NotRecommended),
            ..Default::default()
        };
        assert_eq!(slugs(&mut conn, not_recommended), ["strava"], "{backend}");
        let eea_only = tool::ToolFilter {
            has_third_country_transfer: Some(false),
            ..Default::default()
        };
        assert_eq!(slugs(&mut conn, eea_only), ["itslearning"], "{backend}");

        // The load left the planner statistics to plan with.
        assert!(
            planner_knows_tools(&mut conn),
            "{backend}: ANALYZE ran after the load"
        );

        // Two municipalities keep inventories with an entry in every state.
        for key in ["bergen", "oslo"] {
            let org = toolreg_store::seed::seed_id("organisation", key);
            let states: std::collections::BTreeSet<_> =
                toolreg_store::ops::inventory::views_of(&mut conn, org)
                    .expect("views")
                    .into_iter()
                    .map(|v| v.state.state)
                    .collect();
            assert_eq!(
                states.len(),
                toolreg_core::inventory::EntryState::ALL.len(),
                "{backend}: {key} has {states:?}"
            );
        }

        // Multi-level subprocessor chains are there.
        let revision = subprocessor_revision::latest(&mut conn, gw)
            .expect("latest")
            .expect("has revisions");
        assert!(
            toolreg_core::subprocessor::summarise(&revision.entries).max_depth >= 3,
            "{backend}"
        );
    }
}

#[test]
fn bad_seed_files_are_reported_with_file_and_pointer() {
    let files = SeedFiles {
        organisations: (
            "organisations.json".into(),
            r#"{"_notice":"x","organisations":[{"key":"a","kind":"vendor","name":"A","org_number":"123456789"}]}"#.into(),
        ),
        tools: (
            "tools.json".into(),
            r#"{"_notice":"x","tools":[{"vendor":"nobody","slug":"t1","name":"T","processes_personal_data":"no"}]}"#
                .into(),
        ),
        subprocessors: ("subprocessors.json".into(), r#"{"_notice":"x","tools":[]}"#.into()),
        assessments: ("assessments.json".into(), r#"{"_notice":"x","assessments":[]}"#.into()),
        inventories: ("inventories.json".into(), r#"{"_notice":"x","inventories":[]}"#.into()),
    };
    let broken = SeedSet::parse(&files).expect("well-formed JSON");
    let db = TestDb::sqlite();
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let err = seed::load(&mut conn, &broken, time("2026-11-01T00:00:00Z"))
        .expect_err("must fail")
        .to_string();
    assert!(
        err.contains("organisations.json#/organisations/0/org_number"),
        "{err}"
    );
    assert!(err.contains("tools.json#/tools/0/vendor"), "{err}");
    assert_eq!(tool::count(&mut conn).ok(), Some(0), "nothing was written");

    let unknown_field = SeedFiles {
        tools: (
            "tools.json".into(),
            r#"{"_notice":"x","tools":[],"extra":1}"#.into(),
        ),
        ..files
    };
    let parse_err = SeedSet::parse(&unknown_field)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        parse_err.contains("tools.json") && parse_err.contains("extra"),
        "{parse_err}"
    );
}

/// Whether the database has statistics on the tools table: SQLite's
/// `sqlite_stat1`, PostgreSQL's row estimate (-1 until analysed).
fn planner_knows_tools(conn: &mut toolreg_store::DbConnection) -> bool {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Double};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    #[derive(QueryableByName)]
    struct Estimate {
        #[diesel(sql_type = Double)]
        rows: f64,
    }
    match conn {
        toolreg_store::DbConnection::Sqlite(c) => {
            diesel::sql_query("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'tools'")
                .get_result::<Count>(c)
                .is_ok_and(|r| r.n > 0)
        }
        toolreg_store::DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'tools'::regclass",
        )
        .get_result::<Estimate>(c)
        .is_ok_and(|r| r.rows > 0.0),
    }
}
