//! Tests of `subprocessor`.

use super::*;

pub(crate) fn entry(
    id: &str,
    parent: Option<&str>,
    country: &str,
    m: TransferMechanism,
) -> SubprocessorEntry {
    SubprocessorEntry {
        id: id.into(),
        parent: parent.map(Into::into),
        name: id.to_uppercase(),
        legal_id: None,
        country: country.into(),
        role: SubprocessorRole::SubProcessor,
        purpose: "drift".into(),
        data_categories: vec!["account".into()],
        processing_countries: vec![],
        transfer_mechanism: m,
    }
}

fn chain() -> Vec<SubprocessorEntry> {
    use TransferMechanism::*;
    vec![
        entry("gcp", None, "IE", Eea),
        entry("google-llc", Some("gcp"), "US", Dpf),
        entry("support", Some("google-llc"), "IN", Unknown),
        entry("mailer", None, "SE", Eea),
    ]
}

#[test]
fn tree_has_depths_and_third_countries() {
    let tree = build_tree(&chain());
    assert_eq!(tree.len(), 2);
    assert_eq!(tree[0].entry.id, "gcp");
    let llc = &tree[0].children[0];
    assert_eq!(
        (llc.depth, llc.third_countries.clone()),
        (2, vec!["US".to_string()])
    );
    assert_eq!(llc.children[0].depth, 3);
    assert!(tree[1].children.is_empty());
}

#[test]
fn summary_lists_third_countries_and_unknown_transfers() {
    let s = summarise(&chain());
    assert_eq!(s.entry_count, 4);
    assert_eq!(s.max_depth, 3);
    assert_eq!(s.third_countries, ["IN", "US"]);
    assert_eq!(s.unknown_transfers, ["support"]);
    assert_eq!(s.third_country_entries, ["google-llc", "support"]);
}

#[test]
fn processing_countries_override_seat_country() {
    let mut e = entry("aws", None, "US", TransferMechanism::Eea);
    e.processing_countries = vec!["IE".into(), "DE".into()];
    let input = SubprocessorRevisionInput {
        note: String::new(),
        source_url: None,
        entries: vec![e],
    };
    assert_eq!(input.validate(), Ok(()));
    assert!(summarise(&input.entries).third_countries.is_empty());
}

#[test]
fn validation_finds_duplicates_missing_parents_cycles_and_bad_countries() {
    use TransferMechanism::*;
    let entries = vec![
        entry("a", Some("b"), "NO", Eea),
        entry("b", Some("a"), "NO", Eea),
        entry("c", Some("zzz"), "XX", Scc),
        entry("c", None, "US", Eea),
    ];
    let input = SubprocessorRevisionInput {
        note: String::new(),
        source_url: None,
        entries,
    };
    let errs = input.validate().err().unwrap_or_default();
    let got: Vec<(&str, &str)> = errs
        .iter()
        .map(|v| (v.pointer.as_str(), v.message.as_str()))
        .collect();
    assert!(got.iter().any(|(p, _)| *p == "/entries/2/country"));
    assert!(got
        .iter()
        .any(|(p, m)| *p == "/entries/3/id" && m.contains("brukt før")));
    assert!(got
        .iter()
        .any(|(p, m)| *p == "/entries/3/transfer_mechanism" && m.contains("EØS")));
    assert!(got
        .iter()
        .any(|(p, m)| *p == "/entries/0/parent" && m.contains("ring")));
    assert!(got
        .iter()
        .any(|(p, m)| *p == "/entries/1/parent" && m.contains("ring")));
    assert!(got
        .iter()
        .any(|(p, m)| *p == "/entries/2/parent" && m.contains("finnes ikke")));
    // A cycle must not hang tree building either.
    assert!(build_tree(&input.entries).len() <= 1);
}
