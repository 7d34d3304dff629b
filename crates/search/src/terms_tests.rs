use super::*;

fn parsed(text: &str) -> ParsedQuery {
    parse(text, &mut WordStemmer::default())
}

#[test]
fn typo_distance_follows_word_length() {
    assert_eq!([3, 4, 7, 8].map(typo_distance), [0, 1, 1, 2]);
}

#[test]
fn stop_words_are_dropped_except_the_last_word() {
    let q = parsed("verktøy for de");
    let firsts: Vec<&str> = q
        .units
        .iter()
        .map(|u| u.alternatives[0][0].folded.as_str())
        .collect();
    assert_eq!(firsts, ["verktøy", "de"]);
    assert!(q.units[1].alternatives[0][0].prefix);
    assert!(!q.units[0].alternatives[0][0].prefix);
}

#[test]
fn a_short_name_expands_to_its_phrase_and_back() {
    let q = parsed("aws");
    let alternatives: Vec<Vec<&str>> = q.units[0]
        .alternatives
        .iter()
        .map(|a| a.iter().map(|w| w.folded.as_str()).collect())
        .collect();
    assert!(alternatives.contains(&vec!["amazon", "web", "services"]));
    let back = parsed("Amazon Web Services");
    assert_eq!(back.units.len(), 1, "the phrase is one place in the query");
    assert!(back.units[0]
        .alternatives
        .iter()
        .any(|a| a.len() == 1 && a[0].folded == "aws"));
}

#[test]
fn only_the_last_word_of_a_phrase_synonym_ending_the_query_is_a_prefix() {
    let q = parsed("ki");
    let phrase = q.units[0]
        .alternatives
        .iter()
        .find(|a| a.len() == 2)
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        phrase.iter().map(|w| w.prefix).collect::<Vec<_>>(),
        [false, true]
    );
}
