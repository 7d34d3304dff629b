//! The one contract every search backend keeps, and the choice between
//! them made by configuration.

use crate::document::SearchDocument;
use crate::error::Result;
use crate::meili::MeiliIndex;
use crate::query::{SearchQuery, SearchResults, Suggestion};
use crate::tantivy_backend::TantivyIndex;
use std::future::Future;
use uuid::Uuid;

/// Changes to apply at once, and the event they bring the index up to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexBatch {
    pub upserts: Vec<SearchDocument>,
    pub deletes: Vec<Uuid>,
    /// The sequence of the last event these changes reflect; recorded with
    /// them, so a restarted indexer knows where to go on from.
    pub last_sequence: i64,
}

/// A search index over tools. Methods return `Send` futures so the
/// indexer can run them on any runtime.
pub trait SearchIndex: Send + Sync {
    /// `tantivy` or `meilisearch`, for `/readyz` and logs.
    fn backend(&self) -> &'static str;

    /// Upsert and delete documents and record `last_sequence`, visibly to
    /// searches when the future completes.
    fn apply(&self, batch: IndexBatch) -> impl Future<Output = Result<()>> + Send;

    /// Replace every document by `documents`, as of `last_sequence`.
    /// Searches see the old documents until the new ones are complete.
    fn rebuild(
        &self,
        documents: Vec<SearchDocument>,
        last_sequence: i64,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The sequence of the last event applied; `None` for an index never
    /// built (which the indexer then builds from the store).
    fn last_sequence(&self) -> impl Future<Output = Result<Option<i64>>> + Send;

    fn document_count(&self) -> impl Future<Output = Result<u64>> + Send;

    fn search(&self, query: &SearchQuery) -> impl Future<Output = Result<SearchResults>> + Send;

    /// Tool names starting like `prefix` (or close to it), best first.
    fn suggest(
        &self,
        prefix: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Suggestion>>> + Send;
}

/// The backend chosen by configuration. Made once at start and shared
/// behind an `Arc`, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
pub enum AnyIndex {
    Tantivy(TantivyIndex),
    Meilisearch(MeiliIndex),
}

impl std::fmt::Debug for AnyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnyIndex({})", self.backend())
    }
}

macro_rules! delegate {
    ($self:ident, $index:ident => $call:expr) => {
        match $self {
            AnyIndex::Tantivy($index) => $call,
            AnyIndex::Meilisearch($index) => $call,
        }
    };
}

impl SearchIndex for AnyIndex {
    fn backend(&self) -> &'static str {
        delegate!(self, i => i.backend())
    }

    async fn apply(&self, batch: IndexBatch) -> Result<()> {
        delegate!(self, i => i.apply(batch).await)
    }

    async fn rebuild(&self, documents: Vec<SearchDocument>, last_sequence: i64) -> Result<()> {
        delegate!(self, i => i.rebuild(documents, last_sequence).await)
    }

    async fn last_sequence(&self) -> Result<Option<i64>> {
        delegate!(self, i => i.last_sequence().await)
    }

    async fn document_count(&self) -> Result<u64> {
        delegate!(self, i => i.document_count().await)
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        delegate!(self, i => i.search(query).await)
    }

    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        delegate!(self, i => i.suggest(prefix, limit).await)
    }
}
