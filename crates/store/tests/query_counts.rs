//! Reading tools costs a fixed number of statements, however many tools
//! are read: one for a tool or a set of ids, two for a page (its ids, then
//! their views). An N+1
//! (a query per tool for its vendor, verdict or usage) fails here on both
//! backends instead of showing up as a slow benchmark.

use std::path::PathBuf;
use toolreg_core::tool::LoginMethod;
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::query_tally::count_queries;
use toolreg_store::read_model;
use toolreg_store::seed::{self, seed_id, SeedFiles, SeedSet};
use toolreg_store::tables::tool::ToolFilter;
use toolreg_store::test_support::TestDb;
use toolreg_store::{DbConnection, PageRequest};

fn sample() -> SeedSet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../seed-data");
    let files = SeedFiles::read_dir(&dir).expect("seed-data is readable");
    SeedSet::parse(&files).expect("seed-data parses")
}

fn seeded(db: &TestDb) -> toolreg_store::DbPool {
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let now = "2026-11-01T00:00:00Z".parse().expect("time");
    seed::load(&mut conn, &sample(), now).expect("sample data");
    pool
}

#[test]
fn a_tool_a_set_or_a_page_costs_the_same_few_statements_however_many_tools() {
    for db in TestDb::all() {
        let backend = db.name();
        let pool = seeded(&db);
        let conn: &mut DbConnection = &mut pool.get().expect("connection");

        let (page, queries) = count_queries(conn, |c| {
            read_model::list(c, &ToolFilter::default(), &PageRequest::first(200))
        });
        let page = page.expect("list");
        // The sample has 31 tools, most with a verdict in force and some
        // used by municipalities: all of it came in one statement.
        assert!(page.items.len() >= 30, "{backend}: {}", page.items.len());
        let with_verdict = page
            .items
            .iter()
            .filter(|v| v.current_verdict.is_some())
            .count();
        assert!(with_verdict >= 8, "{backend}: {with_verdict} verdicts");
        assert_eq!(
            queries, 2,
            "{backend}: a page of tools: its ids, their views"
        );

        let (one, queries) = count_queries(conn, |c| {
            read_model::by_key(c, "google-workspace-for-education")
        });
        let one = one.expect("by slug");
        assert_eq!(
            one.current_verdict.map(|v| v.content.level),
            Some(VerdictLevel::ApprovedWithConditions),
            "{backend}"
        );
        assert_eq!(queries, 1, "{backend}: one tool by slug");
        let (_, queries) = count_queries(conn, |c| {
            read_model::by_key(c, &one.tool.id.to_string()).expect("by id")
        });
        assert_eq!(queries, 1, "{backend}: one tool by id");

        let ids: Vec<_> = page.items.iter().rev().map(|v| v.tool.id).collect();
        let (set, queries) = count_queries(conn, |c| read_model::by_ids(c, &ids));
        let set = set.expect("by ids");
        assert_eq!(
            set.iter().map(|v| v.tool.id).collect::<Vec<_>>(),
            ids,
            "{backend}: in the order asked for"
        );
        assert_eq!(queries, 1, "{backend}: a set of tools");

        let vendor = seed_id("organisation", "google");
        let (of_vendor, queries) = count_queries(conn, |c| read_model::of_vendor(c, vendor));
        assert!(!of_vendor.expect("of vendor").is_empty(), "{backend}");
        assert_eq!(queries, 1, "{backend}: a vendor's tools");

        // Two facets: the page's ids read from one facet's index and
        // checked against the other, then their views.
        let filter = ToolFilter {
            category: Some("quiz".into()),
            login_method: Some(LoginMethod::Google),
            ..ToolFilter::default()
        };
        let (filtered, queries) = count_queries(conn, |c| {
            read_model::list(c, &filter, &PageRequest::first(2)).expect("filtered")
        });
        let slugs: Vec<&str> = filtered
            .items
            .iter()
            .map(|v| v.tool.input.slug.as_str())
            .collect();
        assert_eq!(
            slugs,
            ["kahoot", "quizlet"],
            "{backend}: quiz tools with Google sign-in, by name"
        );
        assert_eq!(queries, 2, "{backend}: a filtered page");
        // A page nothing matches reads no views.
        let none = ToolFilter {
            verdict_level: Some(VerdictLevel::NotAssessed),
            has_third_country_transfer: Some(false),
            category: Some("no-such-category".into()),
            ..ToolFilter::default()
        };
        let (empty, queries) = count_queries(conn, |c| {
            read_model::list(c, &none, &PageRequest::first(2)).expect("empty")
        });
        assert!(empty.items.is_empty(), "{backend}");
        assert_eq!(queries, 1, "{backend}: an empty page");
    }
}

#[test]
fn the_joined_read_agrees_with_reading_each_part() {
    for db in TestDb::all() {
        let backend = db.name();
        let pool = seeded(&db);
        let conn: &mut DbConnection = &mut pool.get().expect("connection");
        let page =
            read_model::list(conn, &ToolFilter::default(), &PageRequest::first(200)).expect("list");
        for view in page.items {
            let id = view.tool.id;
            let tool = toolreg_store::tables::tool::get(conn, id).expect("tool");
            assert_eq!(view.tool, tool, "{backend}");
            let vendor =
                toolreg_store::tables::organisation::get(conn, tool.input.vendor_id).expect("org");
            assert_eq!(view.vendor_name, vendor.name, "{backend}");
            let current = toolreg_store::tables::verdict_version::current(conn, id).expect("v");
            assert_eq!(
                view.current_verdict, current,
                "{backend}: {}",
                tool.input.slug
            );
            let used = toolreg_store::tables::inventory::usage_counts(conn, &[id])
                .expect("usage")
                .get(&id)
                .copied()
                .and_then(toolreg_core::inventory::public_usage);
            assert_eq!(view.municipalities_using, used, "{backend}");
        }
    }
}

#[test]
fn a_renamed_tool_is_listed_by_its_new_name_under_every_filter() {
    use toolreg_store::test_fixtures::{ctx, tool, tool_input, vendor};
    for db in TestDb::all() {
        let backend = db.name();
        let pool = db.pool();
        let conn: &mut DbConnection = &mut pool.get().expect("connection");
        let v = vendor(conn, "Leverandør AS");
        let first = tool(conn, "alfa", v);
        tool(conn, "beta", v);
        // "alfa" becomes "Zulu": it must now come last, by facet and by name.
        let renamed = tool_input("alfa", "Zulu", v);
        toolreg_store::ops::tool::update(
            conn,
            &ctx(2),
            first.into(),
            &renamed,
            Some(1),
            "reviewer",
        )
        .expect("rename");
        for filter in [
            ToolFilter::default(),
            ToolFilter {
                category: Some("quiz".into()),
                ..ToolFilter::default()
            },
            ToolFilter {
                login_method: Some(LoginMethod::Feide),
                vendor_id: Some(v),
                ..ToolFilter::default()
            },
        ] {
            let names: Vec<String> = read_model::list(conn, &filter, &PageRequest::first(10))
                .expect("list")
                .items
                .into_iter()
                .map(|view| view.tool.input.name)
                .collect();
            assert_eq!(names, ["BETA", "Zulu"], "{backend}: {filter:?}");
            // Paging after the first lands on the renamed tool.
            let after = PageRequest {
                limit: 10,
                after: Some(("BETA".into(), uuid::Uuid::max().to_string())),
            };
            let rest = read_model::list(conn, &filter, &after).expect("next page");
            assert_eq!(rest.items.len(), 1, "{backend}: {filter:?}");
        }
    }
}

#[test]
fn reading_a_tool_reuses_its_prepared_statement() {
    use std::sync::Arc;
    use toolreg_store::query_tally::{tallied, QueryTally};
    for db in TestDb::all() {
        let backend = db.name();
        let pool = seeded(&db);
        let conn: &mut DbConnection = &mut pool.get().expect("connection");
        let tally = Arc::new(QueryTally::default());
        tallied(conn, Arc::clone(&tally), |c| {
            for slug in ["kahoot", "quizlet", "mentimeter"] {
                read_model::by_key(c, slug).expect("tool");
            }
        });
        assert_eq!(tally.queries(), 3, "{backend}");
        assert_eq!(tally.prepared(), 1, "{backend}: prepared once, then reused");
    }
}
