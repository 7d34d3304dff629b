use super::LazyUnionQuery;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TEXT};
use tantivy::{doc, DocAddress, Index, Term};

/// 3,000 documents over two fields: "common" in every one, "rare" in every
/// 97th, "other" in every 5th (in the second field), so windows, seeks and
/// overlaps all occur.
fn index() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
    let mut schema = Schema::builder();
    let title = schema.add_text_field("title", TEXT);
    let body = schema.add_text_field("body", TEXT);
    let index = Index::create_in_ram(schema.build());
    let mut writer = index
        .writer_with_num_threads(1, 20_000_000)
        .expect("writer");
    for i in 0..3000u32 {
        let mut title_text = String::from("common");
        if i % 97 == 0 {
            title_text.push_str(" rare");
        }
        let body_text = if i % 5 == 0 {
            "other common common"
        } else {
            "plain"
        };
        writer
            .add_document(doc!(title => title_text, body => body_text))
            .expect("add");
    }
    writer.commit().expect("commit");
    (index, title, body)
}

fn clauses(title: tantivy::schema::Field, body: tantivy::schema::Field) -> Vec<Box<dyn Query>> {
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    vec![
        Box::new(BoostQuery::new(term(title, "common"), 3.0)),
        term(body, "common"),
        term(body, "other"),
    ]
}

fn top(index: &Index, query: &dyn Query) -> (Vec<(f32, DocAddress)>, usize) {
    let searcher = index.reader().expect("reader").searcher();
    searcher
        .search(query, &(TopDocs::with_limit(3000).order_by_score(), Count))
        .expect("search")
}

fn same(lazy: (Vec<(f32, DocAddress)>, usize), stock: (Vec<(f32, DocAddress)>, usize)) {
    assert_eq!(lazy.1, stock.1, "count");
    assert_eq!(lazy.0.len(), stock.0.len(), "hits");
    let mut lazy = lazy.0;
    let mut stock = stock.0;
    lazy.sort_by_key(|(_, a)| *a);
    stock.sort_by_key(|(_, a)| *a);
    for ((ls, la), (ss, sa)) in lazy.iter().zip(&stock) {
        assert_eq!(la, sa, "same documents");
        assert!((ls - ss).abs() < 1e-4, "score of {la:?}: {ls} against {ss}");
    }
}

#[test]
fn matches_and_scores_as_a_boolean_should() {
    let (index, title, body) = index();
    let lazy = LazyUnionQuery::new(clauses(title, body));
    let stock = BooleanQuery::new(
        clauses(title, body)
            .into_iter()
            .map(|q| (Occur::Should, q))
            .collect(),
    );
    let (hits, count) = top(&index, &lazy);
    assert_eq!(count, 3000, "every document has 'common'");
    assert!(hits[0].0 > hits[2999].0, "the fields weigh differently");
    same((hits, count), top(&index, &stock));
}

#[test]
fn seeks_inside_an_intersection_as_a_boolean_should() {
    let (index, title, body) = index();
    let rare = || -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(title, "rare"),
            IndexRecordOption::WithFreqs,
        ))
    };
    let lazy = BooleanQuery::new(vec![
        (Occur::Must, rare()),
        (
            Occur::Must,
            Box::new(LazyUnionQuery::new(clauses(title, body))),
        ),
    ]);
    let stock = BooleanQuery::new(vec![
        (Occur::Must, rare()),
        (
            Occur::Must,
            Box::new(BooleanQuery::new(
                clauses(title, body)
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            )),
        ),
    ]);
    let (hits, count) = top(&index, &lazy);
    assert_eq!(count, 3000usize.div_ceil(97), "every 97th document");
    same((hits, count), top(&index, &stock));
}

#[test]
fn explains_with_the_score_it_ranks_by() {
    let (index, title, body) = index();
    let searcher = index.reader().expect("reader").searcher();
    let lazy = LazyUnionQuery::new(clauses(title, body));
    let (hits, _) = top(&index, &lazy);
    // Document 5 matches three clauses, document 1 only the title's.
    for doc in [5, 1] {
        let address = DocAddress::new(0, doc);
        let scored = hits
            .iter()
            .find(|(_, a)| *a == address)
            .map(|(s, _)| *s)
            .expect("a hit");
        let explained = lazy.explain(&searcher, address).expect("explain");
        assert!(
            (explained.value() - scored).abs() < 1e-4,
            "{doc}: {explained:?}"
        );
    }
    let five = lazy
        .explain(&searcher, DocAddress::new(0, 5))
        .expect("explain");
    let one = lazy
        .explain(&searcher, DocAddress::new(0, 1))
        .expect("explain");
    assert!(
        five.value() > one.value(),
        "more matching clauses score more"
    );
}
