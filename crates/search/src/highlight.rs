//! Which fields of a hit matched the query, and where: a short fragment of
//! each matching field with the matched words' positions in it. Computed
//! from the document and the parsed query by the same rules the index
//! matches with, so both backends highlight alike.

use crate::document::{SearchDocument, SEARCHABLE};
use crate::norwegian::{is_stop_word, words, WordStemmer};
use crate::terms::{ParsedQuery, QueryWord};
use serde::Serialize;
use std::collections::HashMap;

/// Longest fragment shown, in characters.
const FRAGMENT_CHARS: usize = 160;
/// Characters of context kept before the first match in a long text.
const CONTEXT_BEFORE: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Highlight {
    /// The document field that matched, e.g. `name` or `subprocessors`.
    pub field: String,
    /// The matching text, or for long texts a window of it; `…` marks a cut.
    pub fragment: String,
    /// Matched words as `[start, end)` offsets in characters (Unicode
    /// scalar values) into `fragment`.
    pub matches: Vec<[usize; 2]>,
}

/// Highlights the hits of one query. Remembers, per word of the hits' texts,
/// whether it matched: the hits of one query share most of their words
/// (vendors, subprocessors, categories), and stemming and typo distances
/// were a fifth of a search's time before.
pub struct Highlighter<'q> {
    wanted: Vec<&'q QueryWord>,
    stemmer: WordStemmer,
    seen: HashMap<String, bool>,
}

impl<'q> Highlighter<'q> {
    pub fn new(parsed: &'q ParsedQuery) -> Self {
        Self {
            wanted: parsed.all_words().collect(),
            stemmer: WordStemmer::default(),
            seen: HashMap::new(),
        }
    }

    /// Highlights in field order (name first); at most one per field, from
    /// the first of its texts that matched.
    pub fn highlights(&mut self, doc: &SearchDocument) -> Vec<Highlight> {
        if self.wanted.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for field in SEARCHABLE {
            for text in doc.texts(field.name) {
                let spans: Vec<(usize, usize)> = words(text)
                    .into_iter()
                    .filter(|w| self.matches(&w.text))
                    .map(|w| (w.start, w.end))
                    .collect();
                if !spans.is_empty() {
                    out.push(fragment(field.name, text, &spans));
                    break;
                }
            }
        }
        out
    }

    /// Whether a word of a text (folded) matches one of the query's words.
    fn matches(&mut self, folded: &str) -> bool {
        if let Some(known) = self.seen.get(folded) {
            return *known;
        }
        let matched = !is_stop_word(folded) && {
            let stem = self.stemmer.stem(folded);
            self.wanted.iter().any(|q| word_matches(folded, &stem, q))
        };
        self.seen.insert(folded.to_string(), matched);
        matched
    }
}

/// Whether a word of a text (folded, and its stem) matches a query word.
pub fn word_matches(folded: &str, stem: &str, q: &QueryWord) -> bool {
    stem == q.stem
        || (q.distance > 0 && within_distance(stem, &q.stem, q.distance))
        || (q.prefix && (folded.starts_with(&q.folded) || stem.starts_with(&q.stem)))
}

/// Optimal string alignment distance (Levenshtein with transpositions) is
/// at most `max`.
pub fn within_distance(a: &str, b: &str, max: u8) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let max = usize::from(max);
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()] <= max
}

/// A fragment of `text` around its first match, with the matches' char
/// offsets in it. `spans` are byte offsets into `text`.
fn fragment(field: &str, text: &str, spans: &[(usize, usize)]) -> Highlight {
    let char_at = |byte: usize| text[..byte].chars().count();
    let total = text.chars().count();
    let first = spans.first().map_or(0, |s| char_at(s.0));
    let (from, to) = if total <= FRAGMENT_CHARS {
        (0, total)
    } else {
        let from = first.saturating_sub(CONTEXT_BEFORE);
        (from, (from + FRAGMENT_CHARS).min(total))
    };
    let mut fragment = String::new();
    let lead = usize::from(from > 0);
    if from > 0 {
        fragment.push('…');
    }
    fragment.extend(text.chars().skip(from).take(to - from));
    if to < total {
        fragment.push('…');
    }
    let matches = spans
        .iter()
        .map(|&(start, end)| (char_at(start), char_at(end)))
        .filter(|&(start, end)| start >= from && end <= to)
        .map(|(start, end)| [start - from + lead, end - from + lead])
        .collect();
    Highlight {
        field: field.to_string(),
        fragment,
        matches,
    }
}

#[cfg(test)]
#[path = "highlight_tests.rs"]
mod tests;
