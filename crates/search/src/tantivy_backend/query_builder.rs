//! A parsed query as a tantivy query: every place in the query must match
//! (one of its synonyms will do); a word matches exactly, within its typo
//! distance, or — the last word — as a prefix, in any text field, with the
//! field's weight. Exact matches count three times a typo's.
//!
//! A typo or prefix automaton is built once per word and shared by every
//! field it is matched in: building a Levenshtein DFA (distance 2 above
//! all) costs more than matching it, and a word is matched in five fields.

use super::lazy_union::LazyUnionQuery;
use super::schema::Fields;
use crate::query::{Facet, SearchQuery};
use crate::terms::{ParsedQuery, QueryWord};
use std::collections::BTreeMap;
use std::sync::Arc;
use tantivy::query::{
    AllQuery, AutomatonWeight, BooleanQuery, BoostQuery, DfaWrapper, EnableScoring, FuzzyTermQuery,
    Occur, Query, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

const EXACT: f32 = 3.0;
const PREFIX: f32 = 1.5;
const TYPO: f32 = 1.0;

/// A prebuilt automaton matched in one field (what `FuzzyTermQuery` does,
/// without building the automaton again for each field).
#[derive(Clone)]
struct SharedAutomatonQuery {
    field: Field,
    automaton: Arc<DfaWrapper>,
}

impl std::fmt::Debug for SharedAutomatonQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedAutomatonQuery({:?})", self.field)
    }
}

impl Query for SharedAutomatonQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<DfaWrapper>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

pub fn text_query(
    parsed: &ParsedQuery,
    fields: &[(Field, f32)],
) -> tantivy::Result<Box<dyn Query>> {
    if parsed.is_empty() {
        return Ok(Box::new(AllQuery));
    }
    let mut units = Vec::with_capacity(parsed.units.len());
    for unit in &parsed.units {
        let mut alternatives = Vec::with_capacity(unit.alternatives.len());
        for words in &unit.alternatives {
            let all = words
                .iter()
                .map(|w| word_query(w, fields))
                .collect::<tantivy::Result<Vec<_>>>()?;
            alternatives.push(one_or_all(all));
        }
        units.push(any_of(alternatives));
    }
    Ok(one_or_all(units))
}

fn one_or_all(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        if let Some(q) = queries.pop() {
            return q;
        }
    }
    Box::new(BooleanQuery::intersection(queries))
}

fn word_query(word: &QueryWord, fields: &[(Field, f32)]) -> tantivy::Result<Box<dyn Query>> {
    let Some(&(any_field, _)) = fields.first() else {
        return Ok(Box::new(AllQuery));
    };
    // The automata depend on the word only; the field in the term is unused.
    let automaton = |text: &str, prefix: bool| -> tantivy::Result<Arc<DfaWrapper>> {
        let term = Term::from_field_text(any_field, text);
        let query = if prefix {
            FuzzyTermQuery::new_prefix(term, word.distance, true)
        } else {
            FuzzyTermQuery::new(term, word.distance, true)
        };
        Ok(Arc::new(query.automaton()?))
    };
    // A prefix automaton accepts whatever the typo automaton of the same
    // word and distance accepts (a word is a prefix of itself), so the last
    // word needs only the prefix one: one union clause less per field.
    let typo = match (word.distance, word.prefix) {
        (0, _) | (_, true) => None,
        _ => Some(automaton(&word.stem, false)?),
    };
    let mut prefix_forms = Vec::new();
    if word.prefix {
        prefix_forms.push(automaton(&word.stem, true)?);
        // The stem is mostly a prefix of the typed word; then the typed
        // word's prefixes are the stem's already.
        if !word.folded.starts_with(&word.stem) {
            prefix_forms.push(automaton(&word.folded, true)?);
        }
    }
    let mut clauses: Vec<Box<dyn Query>> = Vec::new();
    let mut add = |q: Box<dyn Query>, boost: f32| {
        clauses.push(Box::new(BoostQuery::new(q, boost)));
    };
    let shared = |field: Field, automaton: &Arc<DfaWrapper>| -> Box<dyn Query> {
        Box::new(SharedAutomatonQuery {
            field,
            automaton: Arc::clone(automaton),
        })
    };
    for &(field, weight) in fields {
        let exact = Term::from_field_text(field, &word.stem);
        add(
            Box::new(TermQuery::new(exact, IndexRecordOption::WithFreqs)),
            weight * EXACT,
        );
        if let Some(typo) = &typo {
            add(shared(field, typo), weight * TYPO);
        }
        for form in &prefix_forms {
            add(shared(field, form), weight * PREFIX);
        }
    }
    Ok(any_of(clauses))
}

/// Any of the queries, scored as their sum; one query as itself.
fn any_of(mut queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        if let Some(q) = queries.pop() {
            return q;
        }
    }
    Box::new(LazyUnionQuery::new(queries))
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
pub fn build(
    query: &SearchQuery,
    parsed: &ParsedQuery,
    fields: &Fields,
) -> tantivy::Result<Box<dyn Query>> {
    let mut clauses = vec![(Occur::Must, text_query(parsed, &fields.text)?)];
    for (occur, filter) in filter_clauses(&query.filters, fields) {
        // A filter must not move the score: weight it zero.
        clauses.push((occur, Box::new(BoostQuery::new(filter, 0.0))));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}
