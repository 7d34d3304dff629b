//! The one contract both backends keep, run against embedded tantivy
//! always and against a real Meilisearch server when its binary is here
//! (CI requires it: TOOLREG_REQUIRE_MEILISEARCH=1).

mod corpus;

use corpus::{corpus, ids_of, Corpus};
use toolreg_search::index::{IndexBatch, SearchIndex};
use toolreg_search::meili::MeiliIndex;
use toolreg_search::query::{Facet, SearchQuery, SortOrder};
use toolreg_search::tantivy_backend::TantivyIndex;
use toolreg_search::test_support::{runtime, MeiliServer, MASTER_KEY};

#[test]
fn tantivy_keeps_the_contract() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let index = TantivyIndex::open(dir.path()).expect("open the index");
    runtime().block_on(keeps_the_contract(&index));
}

#[test]
fn meilisearch_keeps_the_contract() {
    let server = match MeiliServer::start_or_skip("meilisearch_keeps_the_contract") {
        Ok(Some(server)) => server,
        Ok(None) => return,
        Err(reason) => panic!("{reason}"),
    };
    let rt = runtime();
    rt.block_on(async {
        let index = MeiliIndex::connect(&server.url, Some(MASTER_KEY), "contract")
            .await
            .expect("connect to Meilisearch");
        keeps_the_contract(&index).await;
        // Applying the settings again changes nothing and fails nothing.
        let again = MeiliIndex::connect(&server.url, Some(MASTER_KEY), "contract")
            .await
            .expect("connect again");
        let left = corpus().all.len() as u64 - 1;
        assert_eq!(
            again.document_count().await.ok(),
            Some(left),
            "the documents stay"
        );
    });
}

async fn names<I: SearchIndex>(index: &I, query: SearchQuery) -> Vec<String> {
    let found = index.search(&query).await.expect("search");
    found.hits.iter().map(|h| h.document.name.clone()).collect()
}

async fn top<I: SearchIndex>(index: &I, text: &str) -> Option<String> {
    names(index, SearchQuery::text(text))
        .await
        .into_iter()
        .next()
}

async fn keeps_the_contract<I: SearchIndex>(index: &I) {
    let b = index.backend();
    let Corpus { all, .. } = corpus();
    assert_eq!(
        index.last_sequence().await.ok(),
        Some(None),
        "{b}: a new index was never built"
    );
    index.rebuild(all.clone(), 41).await.expect("rebuild");
    assert_eq!(
        index.last_sequence().await.ok(),
        Some(Some(41)),
        "{b}: rebuild records its sequence"
    );
    assert_eq!(index.document_count().await.ok(), Some(all.len() as u64));

    // Names first, and typos in them.
    for (typed, expected) in [
        ("kahoot", "Kahoot!"),
        ("Kahot", "Kahoot!"),
        ("geogerba", "GeoGebra"),
        ("minecraft educaton", "Minecraft Education"),
        ("Skolearena", "Skolearena"),
    ] {
        assert_eq!(
            top(index, typed).await.as_deref(),
            Some(expected),
            "{b}: {typed:?}"
        );
    }
    // Search as you type: the last word is a prefix.
    assert_eq!(
        top(index, "geoge").await.as_deref(),
        Some("GeoGebra"),
        "{b}: prefix"
    );

    // A Norwegian inflected form finds its base form, and the reverse.
    let oppgavene = names(index, SearchQuery::text("oppgavene")).await;
    assert!(
        oppgavene.contains(&"Matteverkstedet".to_string()),
        "{b}: oppgavene → oppgave: {oppgavene:?}"
    );
    let verktoy = names(index, SearchQuery::text("verktøy skriving")).await;
    assert!(
        verktoy.contains(&"Skrivestua".to_string()),
        "{b}: verktøy → verktøyet: {verktoy:?}"
    );

    // æ, ø and å are letters of their own words.
    assert_eq!(
        top(index, "språkløype").await.as_deref(),
        Some("Språkløype"),
        "{b}: æøå"
    );
    assert_eq!(
        top(index, "blåbær").await.as_deref(),
        Some("Blåbærskogen"),
        "{b}: æøå"
    );

    // A subprocessor by name and by its short synonym.
    let mut by_name = names(index, SearchQuery::text("Amazon Web Services")).await;
    let mut by_short = names(index, SearchQuery::text("AWS")).await;
    by_name.sort();
    by_short.sort();
    assert_eq!(
        by_name,
        ["Kahoot!", "Skrivestua"],
        "{b}: subprocessor by name"
    );
    assert_eq!(by_short, by_name, "{b}: AWS finds the same tools");
    // Norwegian/English pairs.
    let ki = names(index, SearchQuery::text("KI")).await;
    assert!(
        ki.contains(&"Skrivestua".to_string()),
        "{b}: KI finds an AI feature: {ki:?}"
    );

    // Filters combined with a query.
    let approved = names(
        index,
        SearchQuery::text("matte").filter(Facet::VerdictLevel, "approved"),
    )
    .await;
    assert_eq!(approved, ["Matteverkstedet"], "{b}: query and filter");
    let third = names(
        index,
        SearchQuery::text("")
            .filter(Facet::ThirdCountry, "yes")
            .sorted(SortOrder::Name),
    )
    .await;
    assert_eq!(
        third,
        ["Kahoot!", "Minecraft Education"],
        "{b}: filter alone, by name"
    );

    // Facet counts add up to the total.
    let everything = index
        .search(&SearchQuery::text("").count_facets(&[
            Facet::VerdictLevel,
            Facet::ThirdCountry,
            Facet::Category,
        ]))
        .await
        .expect("search");
    assert_eq!(everything.estimated_total, all.len() as u64, "{b}: total");
    for facet in [Facet::VerdictLevel, Facet::ThirdCountry] {
        let sum: u64 = everything.facets[&facet].iter().map(|v| v.count).sum();
        assert_eq!(
            sum, everything.estimated_total,
            "{b}: {facet} counts add up"
        );
    }
    let levels = &everything.facets[&Facet::VerdictLevel];
    assert_eq!(
        (levels[0].value.as_str(), levels[0].count),
        ("not_assessed", 4),
        "{b}: {levels:?}"
    );

    // Paging by name.
    let page = |offset| {
        SearchQuery::text("")
            .sorted(SortOrder::Name)
            .page(3, offset)
    };
    let first = names(index, page(0)).await;
    let second = names(index, page(3)).await;
    assert_eq!(
        first,
        ["Blåbærskogen", "GeoGebra", "Kahoot!"],
        "{b}: first page"
    );
    assert_eq!(
        second,
        ["Matteverkstedet", "Minecraft Education", "Skolearena"],
        "{b}: second page"
    );

    // Suggestions for a search box.
    let suggested = index.suggest("mat", 8).await.expect("suggest");
    assert_eq!(
        suggested.first().map(|s| s.name.as_str()),
        Some("Matteverkstedet"),
        "{b}: suggest"
    );
    assert!(index.suggest("", 8).await.expect("suggest").is_empty());

    // Upsert, delete, and the recorded sequence.
    let mut renamed = all[0].clone();
    renamed.name = "Kahoot! Kids".into();
    index
        .apply(IndexBatch {
            upserts: vec![renamed],
            deletes: ids_of(&all, &["GeoGebra"]),
            last_sequence: 57,
        })
        .await
        .expect("apply");
    assert_eq!(
        index.last_sequence().await.ok(),
        Some(Some(57)),
        "{b}: apply records its sequence"
    );
    assert_eq!(
        top(index, "kahoot kids").await.as_deref(),
        Some("Kahoot! Kids"),
        "{b}: upsert"
    );
    assert!(
        names(index, SearchQuery::text("geogebra")).await.is_empty(),
        "{b}: deleted"
    );
    assert_eq!(
        index.document_count().await.ok(),
        Some(all.len() as u64 - 1)
    );
}
