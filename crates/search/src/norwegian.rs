//! Norwegian (bokmål) text analysis shared by both backends: how words are
//! split, folded, stopped and stemmed, and which words mean the same.
//!
//! Splitting keeps æ, ø and å as letters. Folding maps the older and the
//! keyboard-less spellings "aa", "oe" and "ae" to å, ø and æ, on indexed
//! text and queries alike, so "Aasen" finds "Åsen" and "Kjoeretoey" finds
//! "Kjøretøy". Because both sides fold the same way, an English word that
//! happens to contain "oe" ("does") still finds itself.

use std::mem;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name the tantivy index registers the analyzer under.
pub const ANALYZER: &str = "nb";

/// Tokens longer than this (in bytes) are noise: identifiers, hashes.
const MAX_TOKEN_BYTES: usize = 40;

/// Bokmål function words that carry no meaning for finding a tool. A short
/// list on purpose: words such as "verktøy" or "skole" are not here, since
/// users narrow by them.
pub const STOP_WORDS: &[&str] = &[
    "og", "i", "jeg", "det", "at", "en", "et", "den", "til", "er", "som", "på", "de", "med", "han",
    "av", "ikke", "der", "så", "var", "meg", "seg", "men", "ett", "har", "om", "vi", "min", "mitt",
    "ha", "hadde", "hun", "nå", "over", "da", "ved", "fra", "du", "ut", "sin", "dem", "oss", "opp",
    "man", "kan", "hans", "hvor", "eller", "hva", "skal", "selv", "sjøl", "her", "alle", "vil",
    "bli", "ble", "blitt", "kunne", "inn", "når", "være", "kom", "noen", "noe", "ville", "dere",
    "deres", "kun", "ja", "etter", "ned", "skulle", "denne", "for", "deg", "si", "sine", "sitt",
    "mot", "å", "meget", "hvorfor", "dette", "disse", "uten", "hvordan", "ingen", "din", "ditt",
    "blir", "samme", "hvilken", "hvilke", "sånn", "inni", "mellom", "vår", "hver", "hvem", "vors",
    "hvis", "både", "bare", "enn", "fordi", "før", "mange", "også", "slik", "vært", "båe", "begge",
    "siden", "henne", "hennar", "hennes",
];

/// Groups of words and phrases that mean the same to someone searching:
/// Norwegian and English pairs, and the short names of large
/// subprocessors. Every member of a group finds what any other member does.
pub const SYNONYMS: &[&[&str]] = &[
    &["aws", "amazon web services", "amazon aws"],
    &["gcp", "google cloud", "google cloud platform"],
    &["azure", "microsoft azure"],
    &["m365", "microsoft 365", "office 365"],
    &["kontorstøtte", "office", "kontorprogram"],
    &["ki", "ai", "kunstig intelligens", "artificial intelligence"],
    &["matematikk", "matte", "math", "maths", "mathematics"],
    &["engelsk", "english"],
    &["programmering", "koding", "programming", "coding"],
    &["læringsplattform", "lms", "learning platform"],
    &["spørrekonkurranse", "quiz"],
    &["video", "film"],
    &["lesing", "reading"],
    &["skriving", "writing"],
    &["naturfag", "science"],
    &["musikk", "music"],
];

/// Fold the spellings without æ, ø and å into them. Expects lower case.
pub fn fold(word: &str) -> String {
    if !word.contains("aa") && !word.contains("oe") && !word.contains("ae") {
        return word.to_string();
    }
    word.replace("aa", "å")
        .replace("oe", "ø")
        .replace("ae", "æ")
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// A word of a text: lower-cased and folded, with where it stands (byte
/// offsets into the original text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Split a text into words the way the index does: runs of letters and
/// digits (so æ, ø, å belong to words), lower-cased and folded.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut push = |from: usize, to: usize| {
        out.push(Word {
            text: fold(&text[from..to].to_lowercase()),
            start: from,
            end: to,
        })
    };
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                push(from, at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        push(from, text.len());
    }
    out.retain(|w| w.text.len() <= MAX_TOKEN_BYTES);
    out
}

/// The analyzer of indexed text: the same splitting, lower-casing,
/// stop words and folding as [`words`], then the bokmål stemmer.
pub fn index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(Folding)
        .filter(Stemmer::new(Language::Norwegian))
        .build()
}

/// Stems single, already folded words with the bokmål stemmer.
#[derive(Clone)]
pub struct WordStemmer(TextAnalyzer);

impl Default for WordStemmer {
    fn default() -> Self {
        Self(
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::Norwegian))
                .build(),
        )
    }
}

impl std::fmt::Debug for WordStemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WordStemmer(nb)")
    }
}

impl WordStemmer {
    pub fn stem(&mut self, word: &str) -> String {
        let mut stream = self.0.token_stream(word);
        let mut stem = word.to_string();
        if stream.advance() {
            stem.clone_from(&stream.token().text);
        }
        stem
    }

    /// The stems of a text's words, stop words left out: what the index
    /// holds for it.
    pub fn stems_of(&mut self, text: &str) -> Vec<String> {
        words(text)
            .into_iter()
            .filter(|w| !is_stop_word(&w.text))
            .map(|w| self.stem(&w.text))
            .collect()
    }
}

/// The folding step as a tantivy token filter.
#[derive(Clone)]
pub struct Folding;

impl TokenFilter for Folding {
    type Tokenizer<T: Tokenizer> = FoldingFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldingFilter<T> {
        FoldingFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct FoldingFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for FoldingFilter<T> {
    type TokenStream<'a> = FoldingStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FoldingStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct FoldingStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for FoldingStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let mut folded = fold(&token.text);
        mem::swap(&mut token.text, &mut folded);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
#[path = "norwegian_tests.rs"]
mod tests;
