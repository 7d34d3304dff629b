use super::*;

#[test]
fn words_keep_norwegian_letters_and_fold_old_spellings() {
    let got: Vec<String> = words("Språkløype for Aasen-skolen, Kjoeretoey!")
        .into_iter()
        .map(|w| w.text)
        .collect();
    assert_eq!(got, ["språkløype", "for", "åsen", "skolen", "kjøretøy"]);
}

#[test]
fn word_offsets_point_into_the_original_text() {
    let text = "Blåbær og Ærfugl";
    let w = words(text);
    assert_eq!(&text[w[2].start..w[2].end], "Ærfugl");
}

#[test]
fn inflected_forms_share_a_stem() {
    let mut stemmer = WordStemmer::default();
    assert_eq!(stemmer.stem("oppgavene"), stemmer.stem("oppgave"));
    assert_eq!(stemmer.stem("verktøyet"), stemmer.stem("verktøy"));
    assert_ne!(stemmer.stem("verktøy"), stemmer.stem("oppgave"));
}

#[test]
fn the_index_analyzer_agrees_with_word_stems() {
    let text = "Elevene løser oppgavene i Aasen";
    let mut analyzer = index_analyzer();
    let mut stream = analyzer.token_stream(text);
    let mut indexed = Vec::new();
    while stream.advance() {
        indexed.push(stream.token().text.clone());
    }
    assert_eq!(indexed, WordStemmer::default().stems_of(text));
    assert!(
        !indexed.iter().any(|t| t == "i"),
        "stop word indexed: {indexed:?}"
    );
}
