//! The indexer follows the event log on a real store (SQLite, and
//! PostgreSQL when configured) into each backend: it builds a never-built
//! index, applies a verdict published a moment ago and a rename, and
//! rebuilds after a bulk load.

use std::sync::Arc;
use toolreg_core::verdict::VerdictLevel;
use toolreg_search::index::SearchIndex;
use toolreg_search::indexer::Indexer;
use toolreg_search::meili::MeiliIndex;
use toolreg_search::query::{Facet, SearchQuery};
use toolreg_search::tantivy_backend::TantivyIndex;
use toolreg_search::test_support::{runtime, MeiliServer, MASTER_KEY};
use toolreg_store::test_fixtures::{ctx, draft, tool, tool_input, vendor};
use toolreg_store::test_support::TestDb;
use toolreg_store::{ops, seed};
use uuid::Uuid;

#[test]
fn tantivy_follows_the_event_log() {
    for db in TestDb::all() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let index = Arc::new(TantivyIndex::open(dir.path()).expect("open"));
        runtime().block_on(follows_the_event_log(&db, index));
    }
}

#[test]
fn meilisearch_follows_the_event_log() {
    let server = match MeiliServer::start_or_skip("meilisearch_follows_the_event_log") {
        Ok(Some(server)) => server,
        Ok(None) => return,
        Err(reason) => panic!("{reason}"),
    };
    let rt = runtime();
    for db in TestDb::all() {
        let prefix = format!("indexer_{}", db.name());
        let index = rt
            .block_on(MeiliIndex::connect(&server.url, Some(MASTER_KEY), &prefix))
            .expect("connect");
        rt.block_on(follows_the_event_log(&db, Arc::new(index)));
    }
}

async fn follows_the_event_log<I: SearchIndex>(db: &TestDb, index: Arc<I>) {
    let what = format!("{} on {}", index.backend(), db.name());
    let pool = db.pool();
    let mut conn = pool.get().expect("connection");
    let indexer = Indexer::new(pool.clone(), Arc::clone(&index));
    let first = indexer.catch_up().await.expect("catch up");
    assert!(
        first.rebuilt,
        "{what}: a never-built index is built from the store"
    );
    assert_eq!(index.document_count().await.ok(), Some(0), "{what}");

    // A bulk load is one event; the indexer rebuilds from the store.
    let seed_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seed-data");
    let set = seed::SeedSet::parse(&seed::SeedFiles::read_dir(&seed_dir).expect("seed files"))
        .expect("seed set");
    seed::load(&mut conn, &set, chrono::Utc::now()).expect("load");
    let after_load = indexer.catch_up().await.expect("catch up");
    assert!(after_load.rebuilt, "{what}: a bulk load rebuilds");
    let seeded = set.tool_count() as u64;
    assert_eq!(index.document_count().await.ok(), Some(seeded), "{what}");

    // A new tool is found, not yet assessed.
    let vendor_id = vendor(&mut conn, "Quizleverandøren AS");
    let tool_id = tool(&mut conn, "quizmester", vendor_id);
    indexer.catch_up().await.expect("catch up");
    let hit = |level: VerdictLevel| {
        SearchQuery::text("quizmester").filter(Facet::VerdictLevel, level.as_str())
    };
    let found = index
        .search(&hit(VerdictLevel::NotAssessed))
        .await
        .expect("search");
    assert_eq!(
        found.hits.len(),
        1,
        "{what}: not assessed before the verdict"
    );

    // A verdict published a moment ago is found with its new level.
    let assessment = drafted_dpia(&mut conn, tool_id);
    ops::assessment::publish(&mut conn, &ctx(3), assessment.into(), Uuid::now_v7(), None)
        .expect("publish");
    let caught = indexer.catch_up().await.expect("catch up");
    assert!(
        !caught.rebuilt && caught.events_applied >= 1,
        "{what}: {caught:?}"
    );
    let found = index
        .search(&hit(VerdictLevel::Approved))
        .await
        .expect("search");
    let verdict = found.hits.first().and_then(|h| h.document.verdict.clone());
    assert_eq!(
        verdict.map(|v| v.level),
        Some(VerdictLevel::Approved),
        "{what}"
    );
    assert!(index
        .search(&hit(VerdictLevel::NotAssessed))
        .await
        .expect("search")
        .hits
        .is_empty());

    // A rename is found under the new name; nothing more to apply after.
    let mut input = tool_input("quizmester", "Quizmesteren Pro", vendor_id);
    input.summary = "Spørsmål og svar".into();
    ops::tool::update(&mut conn, &ctx(4), tool_id.into(), &input, None, "reviewer")
        .expect("rename");
    indexer.catch_up().await.expect("catch up");
    let top = index
        .search(&SearchQuery::text("quizmesteren pro"))
        .await
        .expect("search");
    assert_eq!(
        top.hits.first().map(|h| h.document.name.as_str()),
        Some("Quizmesteren Pro"),
        "{what}"
    );
    let idle = indexer.catch_up().await.expect("catch up");
    assert_eq!(
        (idle.events_applied, idle.rebuilt),
        (0, false),
        "{what}: nothing new"
    );

    assert_eq!(
        index.document_count().await.ok(),
        Some(seeded + 1),
        "{what}"
    );
}

/// A DPIA of `tool` with an approving draft, by a reviewer of its own (the
/// sample data already holds the fixtures' reviewer).
fn drafted_dpia(conn: &mut toolreg_store::DbConnection, tool: Uuid) -> Uuid {
    use toolreg_core::assessment::{AssessmentInput, AssessmentKind};
    use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
    let reviewer = Uuid::now_v7();
    let org = OrganisationInput {
        kind: OrganisationKind::Reviewer,
        name: "Testgranskerne".into(),
        org_number: None,
        municipality_number: None,
        country: Some("NO".into()),
        website: None,
    };
    ops::organisation::create(conn, &ctx(1), reviewer.into(), &org).expect("reviewer");
    let input = AssessmentInput {
        kind: AssessmentKind::Dpia,
        title: "DPIA".into(),
        tool_ids: vec![tool],
        reviewer_org_id: reviewer,
    };
    let a = ops::assessment::create(conn, &ctx(2), Uuid::now_v7().into(), &input).expect("create");
    let draft = draft(VerdictLevel::Approved, "v1");
    ops::assessment::replace_draft(conn, &ctx(2), a.id.into(), &draft, None).expect("draft");
    a.id
}
