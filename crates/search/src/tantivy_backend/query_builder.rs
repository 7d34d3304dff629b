//! A parsed query as a tantivy query: every place in the query must match
//! (one of its synonyms will do); a word matches exactly, within its typo
//! distance, or — the last word — as a prefix, in any text field, with the
//! field's weight. Exact matches count three times a typo's.

use super::schema::Fields;
use crate::query::{Facet, SearchQuery};
use crate::terms::{ParsedQuery, QueryWord};
use std::collections::BTreeMap;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

const EXACT: f32 = 3.0;
const PREFIX: f32 = 1.5;
const TYPO: f32 = 1.0;

pub fn text_query(parsed: &ParsedQuery, fields: &[(Field, f32)]) -> Box<dyn Query> {
    if parsed.is_empty() {
        return Box::new(AllQuery);
    }
    let units = parsed
        .units
        .iter()
        .map(|unit| {
            let alternatives = unit
                .alternatives
                .iter()
                .map(|words| {
                    let all: Vec<Box<dyn Query>> =
                        words.iter().map(|w| word_query(w, fields)).collect();
                    (Occur::Should, one_or_all(all))
                })
                .collect();
            (
                Occur::Must,
                Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
            )
        })
        .collect();
    Box::new(BooleanQuery::new(units))
}

fn one_or_all(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        if let Some(q) = queries.pop() {
            return q;
        }
    }
    Box::new(BooleanQuery::intersection(queries))
}

fn word_query(word: &QueryWord, fields: &[(Field, f32)]) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |q: Box<dyn Query>, boost: f32| {
        clauses.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
    };
    for &(field, weight) in fields {
        let exact = Term::from_field_text(field, &word.stem);
        add(
            Box::new(TermQuery::new(exact.clone(), IndexRecordOption::WithFreqs)),
            weight * EXACT,
        );
        if word.distance > 0 {
            add(
                Box::new(FuzzyTermQuery::new(exact, word.distance, true)),
                weight * TYPO,
            );
        }
        if word.prefix {
            let mut forms = vec![word.stem.as_str(), word.folded.as_str()];
            forms.dedup();
            for form in forms {
                add(
                    Box::new(FuzzyTermQuery::new_prefix(
                        Term::from_field_text(field, form),
                        word.distance,
                        true,
                    )),
                    weight * PREFIX,
                );
            }
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Filters: every facet must match one of its values.
pub fn filter_clauses(
    filters: &BTreeMap<Facet, Vec<String>>,
    fields: &Fields,
) -> Vec<(Occur, Box<dyn Query>)> {
    filters
        .iter()
        .filter_map(|(facet, values)| {
            let field = *fields.facets.get(facet)?;
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let term = Term::from_field_text(field, v);
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            Some((
                Occur::Must,
                Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
            ))
        })
        .collect()
}

/// The whole query: the text (scored) and the filters (not scored).
pub fn build(query: &SearchQuery, parsed: &ParsedQuery, fields: &Fields) -> Box<dyn Query> {
    let mut clauses = vec![(Occur::Must, text_query(parsed, &fields.text))];
    for (occur, filter) in filter_clauses(&query.filters, fields) {
        // A filter must not move the score: weight it zero.
        clauses.push((occur, Box::new(BoostQuery::new(filter, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}
