//! What a query's text asks for, parsed once and used by both backends and
//! the highlighter: its words in order, each with the typo distance it
//! allows, the last one also as a prefix (search as you type), and the
//! synonyms that may stand in for a word or phrase.

use crate::norwegian::{is_stop_word, words, WordStemmer, SYNONYMS};
use std::sync::LazyLock;

/// One word to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    /// Lower-cased and folded, as typed.
    pub folded: String,
    /// Its bokmål stem: what the index holds.
    pub stem: String,
    /// Edits allowed: 1 from 4 letters, 2 from 8.
    pub distance: u8,
    /// The last word of a query may be unfinished.
    pub prefix: bool,
}

/// A place in the query: one of its alternatives must match, and each
/// alternative is words that must all match (a synonym may be a phrase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryUnit {
    pub alternatives: Vec<Vec<QueryWord>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    pub units: Vec<QueryUnit>,
}

impl ParsedQuery {
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Every word of every alternative: what a match may be.
    pub fn all_words(&self) -> impl Iterator<Item = &QueryWord> {
        self.units
            .iter()
            .flat_map(|u| u.alternatives.iter().flatten())
    }
}

/// Edits a typed word of this many letters may be away from a match.
pub fn typo_distance(letters: usize) -> u8 {
    match letters {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Parse a query text. Stop words are left out, except the last word,
/// which may be the start of a longer one ("de" on the way to "desmos").
pub fn parse(text: &str, stemmer: &mut WordStemmer) -> ParsedQuery {
    let all: Vec<String> = words(text).into_iter().map(|w| w.text).collect();
    let last = all.len().saturating_sub(1);
    let kept: Vec<(String, bool)> = all
        .into_iter()
        .enumerate()
        .filter(|(i, w)| *i == last || !is_stop_word(w))
        .map(|(i, w)| (w, i == last))
        .collect();
    let groups: &[Vec<Vec<String>>] = &SYNONYM_GROUPS;
    let mut units = Vec::new();
    let mut at = 0;
    while at < kept.len() {
        let (len, group) = longest_synonym_at(&kept, at, groups);
        let typed: Vec<&(String, bool)> = kept[at..at + len].iter().collect();
        let ends_query = typed.last().is_some_and(|(_, last)| *last);
        let mut alternatives = vec![typed
            .iter()
            .map(|(w, last)| query_word(w, *last, stemmer))
            .collect::<Vec<_>>()];
        if let Some(group) = group {
            let as_typed: Vec<&str> = typed.iter().map(|(w, _)| w.as_str()).collect();
            for phrase in group.iter().filter(|p| **p != as_typed) {
                let n = phrase.len();
                alternatives.push(
                    phrase
                        .iter()
                        .enumerate()
                        .map(|(i, w)| query_word(w, ends_query && i + 1 == n, stemmer))
                        .collect(),
                );
            }
        }
        units.push(QueryUnit { alternatives });
        at += len;
    }
    ParsedQuery { units }
}

fn query_word(folded: &str, prefix: bool, stemmer: &mut WordStemmer) -> QueryWord {
    QueryWord {
        folded: folded.to_string(),
        stem: stemmer.stem(folded),
        distance: typo_distance(folded.chars().count()),
        prefix,
    }
}

/// The synonym groups as word sequences, analysed like any text.
static SYNONYM_GROUPS: LazyLock<Vec<Vec<Vec<String>>>> = LazyLock::new(|| {
    SYNONYMS
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|phrase| words(phrase).into_iter().map(|w| w.text).collect())
                .collect()
        })
        .collect()
});

/// The longest synonym phrase starting at `at` (one word when none), and
/// its group.
fn longest_synonym_at<'g>(
    kept: &[(String, bool)],
    at: usize,
    groups: &'g [Vec<Vec<String>>],
) -> (usize, Option<&'g Vec<Vec<String>>>) {
    let mut best: (usize, Option<&Vec<Vec<String>>>) = (1, None);
    for group in groups {
        for phrase in group {
            let n = phrase.len();
            let fits = n >= best.0
                && at + n <= kept.len()
                && phrase
                    .iter()
                    .zip(&kept[at..at + n])
                    .all(|(p, (w, _))| p == w);
            if fits && (n > best.0 || best.1.is_none()) {
                best = (n, Some(group));
            }
        }
    }
    best
}

#[cfg(test)]
#[path = "terms_tests.rs"]
mod tests;
