use super::*;
use crate::terms::parse;

fn doc(name: &str, summary: &str) -> SearchDocument {
    SearchDocument {
        id: uuid::Uuid::nil(),
        slug: String::new(),
        name: name.into(),
        vendor_id: uuid::Uuid::nil(),
        vendor_name: String::new(),
        summary: summary.into(),
        categories: vec![],
        age_bands: vec![],
        login_methods: vec![],
        platforms: vec![],
        processes_personal_data: "yes".into(),
        third_country: "unknown".into(),
        verdict_level: "not_assessed".into(),
        verdict: None,
        subprocessors: vec!["Amazon Web Services".into()],
        data_categories: vec![],
        ai_features: vec![],
        findings: vec![],
        conditions: vec![],
    }
}

#[test]
fn names_the_field_and_marks_the_word() {
    let mut stemmer = WordStemmer::default();
    let q = parse("oppgave", &mut stemmer);
    let h = Highlighter::new(&q).highlights(&doc("Matte", "Elevene løser oppgavene sammen"));
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].field, "summary");
    let [start, end] = h[0].matches[0];
    let marked: String = h[0]
        .fragment
        .chars()
        .skip(start)
        .take(end - start)
        .collect();
    assert_eq!(marked, "oppgavene");
}

#[test]
fn a_synonym_highlights_what_it_stands_for() {
    let mut stemmer = WordStemmer::default();
    let q = parse("AWS", &mut stemmer);
    let h = Highlighter::new(&q).highlights(&doc("Kahoot!", ""));
    assert_eq!(h[0].field, "subprocessors");
    assert_eq!(h[0].matches, [[0, 6], [7, 10], [11, 19]]);
}

#[test]
fn long_texts_are_cut_around_the_first_match() {
    let mut stemmer = WordStemmer::default();
    let summary = format!("{} geogebra {}", "tekst ".repeat(40), "slutt ".repeat(40));
    let q = parse("geogebra", &mut stemmer);
    let h = Highlighter::new(&q).highlights(&doc("X", &summary));
    assert!(h[0].fragment.starts_with('…') && h[0].fragment.ends_with('…'));
    let [start, end] = h[0].matches[0];
    let marked: String = h[0]
        .fragment
        .chars()
        .skip(start)
        .take(end - start)
        .collect();
    assert_eq!(marked, "geogebra");
}

#[test]
fn distance_counts_a_swap_as_one_edit() {
    assert!(within_distance("geogerba", "geogebra", 1));
    assert!(!within_distance("kahoot", "kaboom", 1));
    assert!(within_distance("kahoot", "kaboom", 2));
}

#[test]
fn one_highlighter_over_many_hits_marks_as_a_fresh_one() {
    let mut stemmer = WordStemmer::default();
    let q = parse("oppgaver amazon", &mut stemmer);
    let docs = [
        doc("Oppgavebank", "Oppgaver i matematikk"),
        doc("Matte", "Elevene løser oppgavene sammen"),
        doc("Kahoot!", "Quiz"),
    ];
    let mut shared = Highlighter::new(&q);
    for d in &docs {
        let fresh = Highlighter::new(&q).highlights(d);
        assert!(!fresh.is_empty(), "{}: something matches", d.name);
        assert_eq!(shared.highlights(d), fresh, "{}", d.name);
    }
}
