//! A search request and its answer, the same for every backend.

use crate::document::SearchDocument;
use std::collections::BTreeMap;

toolreg_core::string_enum! {
    /// What a search can be narrowed and counted by.
    pub enum Facet {
        VerdictLevel => "verdict_level",
        Category => "category",
        AgeBand => "age_band",
        LoginMethod => "login_method",
        Platform => "platform",
        ThirdCountry => "third_country",
        Vendor => "vendor",
        ProcessesPersonalData => "processes_personal_data",
    }
}

impl Facet {
    /// The document field that holds the facet's values.
    pub fn field(self) -> &'static str {
        match self {
            Facet::VerdictLevel => "verdict_level",
            Facet::Category => "categories",
            Facet::AgeBand => "age_bands",
            Facet::LoginMethod => "login_methods",
            Facet::Platform => "platforms",
            Facet::ThirdCountry => "third_country",
            Facet::Vendor => "vendor_id",
            Facet::ProcessesPersonalData => "processes_personal_data",
        }
    }
}

toolreg_core::string_enum! {
    /// Whether a tool's latest subprocessor revision transfers personal
    /// data to a country outside the EEA without adequacy.
    pub enum ThirdCountryTransfer {
        Yes => "yes",
        No => "no",
        /// No subprocessor list recorded yet.
        Unknown => "unknown",
    }
}

toolreg_core::string_enum! {
    pub enum SortOrder {
        /// Best match first; with no query text, by name.
        Relevance => "relevance",
        Name => "name",
    }
}

/// Most values of one facet a search counts, most frequent first.
pub const MAX_FACET_VALUES: usize = 100;

/// How deep a search may page: relevance beyond this is noise, and both
/// backends count exactly only this far.
pub const MAX_DEPTH: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    pub text: String,
    /// Each facet narrows the result; values of one facet are alternatives.
    pub filters: BTreeMap<Facet, Vec<String>>,
    /// Facets to count the matching tools by.
    pub facets: Vec<Facet>,
    pub sort: SortOrder,
    pub limit: usize,
    pub offset: usize,
}

impl SearchQuery {
    pub fn text(text: &str) -> Self {
        Self {
            text: text.to_string(),
            filters: BTreeMap::new(),
            facets: Vec::new(),
            sort: SortOrder::Relevance,
            limit: 20,
            offset: 0,
        }
    }

    pub fn filter(mut self, facet: Facet, value: &str) -> Self {
        self.filters
            .entry(facet)
            .or_default()
            .push(value.to_string());
        self
    }

    pub fn count_facets(mut self, facets: &[Facet]) -> Self {
        self.facets = facets.to_vec();
        self
    }

    pub fn sorted(mut self, sort: SortOrder) -> Self {
        self.sort = sort;
        self
    }

    pub fn page(mut self, limit: usize, offset: usize) -> Self {
        self.limit = limit;
        self.offset = offset;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub document: SearchDocument,
    /// Backend-specific relevance; only its order means anything.
    pub score: Option<f32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValueCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// Matching tools, counted exactly up to [`MAX_DEPTH`] at least.
    pub estimated_total: u64,
    /// Per requested facet, its values among the matching tools.
    pub facets: BTreeMap<Facet, Vec<FacetValueCount>>,
}

impl SearchResults {
    /// Facet values most frequent first, then by value: one order for
    /// every backend.
    pub fn with_facets_ordered(mut self) -> Self {
        for values in self.facets.values_mut() {
            values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        }
        self
    }
}

/// A tool name for a search box. Read from a stored document by its
/// fields of these names; the rest is skipped, not decoded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Suggestion {
    pub id: uuid::Uuid,
    pub slug: String,
    pub name: String,
}

/// Most suggestions answered.
pub const MAX_SUGGESTIONS: usize = 8;
