//! The tantivy schema: analysed text fields with their weights, raw facet
//! fields (indexed for filters, fast for counting), a sort key and the
//! whole document stored for hits.

use crate::document::SEARCHABLE;
use crate::norwegian::ANALYZER;
use crate::query::Facet;
use std::collections::BTreeMap;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

/// Bumped when the schema changes: each version is a directory of its own,
/// so a new binary builds a new index beside the old one.
pub const SCHEMA_VERSION: u32 = 1;

/// The searchable fields with weight 1 share one tantivy field: fewer
/// fields to match per query word; the highlighter still names the exact
/// field from the document.
const REST: &str = "rest";

#[derive(Debug, Clone)]
pub struct Fields {
    pub id: Field,
    /// (field, weight), name first.
    pub text: Vec<(Field, f32)>,
    pub name: Field,
    pub facets: BTreeMap<Facet, Field>,
    pub name_sort: Field,
    pub source: Field,
}

/// Which tantivy field a searchable document field is indexed in.
pub fn tantivy_field_of(searchable: &str) -> &str {
    match SEARCHABLE.iter().find(|f| f.name == searchable) {
        Some(f) if f.weight > 1.0 => f.name,
        _ => REST,
    }
}

pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let id = builder.add_text_field("id", STRING | STORED);
    let mut text = Vec::new();
    for f in SEARCHABLE.iter().filter(|f| f.weight > 1.0) {
        text.push((builder.add_text_field(f.name, analysed.clone()), f.weight));
    }
    text.push((builder.add_text_field(REST, analysed), 1.0));
    let facets = Facet::ALL
        .iter()
        .map(|f| (*f, builder.add_text_field(f.field(), STRING | FAST)))
        .collect();
    let name_sort = builder.add_text_field("name_sort", STRING | FAST);
    let source = builder.add_bytes_field("source", STORED);
    let schema = builder.build();
    let name = text[0].0;
    (
        schema,
        Fields {
            id,
            text,
            name,
            facets,
            name_sort,
            source,
        },
    )
}
