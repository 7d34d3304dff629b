//! Search for toolreg: one [`SearchIndex`] contract with two backends —
//! embedded tantivy by default, Meilisearch to scale out — the Norwegian
//! analysis both share, and the indexer that keeps an index in step with
//! the store by following the event log.

pub mod document;
pub mod error;
pub mod highlight;
pub mod index;
pub mod indexer;
pub mod meili;
pub mod norwegian;
pub mod query;
pub mod source;
pub mod tantivy_backend;
pub mod terms;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use document::SearchDocument;
pub use error::SearchError;
pub use index::{AnyIndex, IndexBatch, SearchIndex};
pub use query::{Facet, SearchQuery, SearchResults, SortOrder, Suggestion};
