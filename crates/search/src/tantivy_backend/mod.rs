//! The embedded backend: a tantivy index in the data directory. One
//! writer (the indexer) commits; searches read the last commit. The last
//! applied event sequence is the commit's payload, so documents and the
//! sequence they reflect are written in one atomic commit.

mod facets;
mod lazy_union;
mod query_builder;
mod schema;

use crate::document::SearchDocument;
use crate::error::{Result, SearchError};
use crate::index::{IndexBatch, SearchIndex};
use crate::norwegian::{index_analyzer, WordStemmer, ANALYZER};
use crate::query::{SearchHit, SearchQuery, SearchResults, SortOrder, Suggestion};
use crate::terms;
use schema::{Fields, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::Query;
use tantivy::schema::{TantivyDocument, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, Term};

/// Memory the writer may buffer before it flushes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// What each commit records beside the documents.
#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    last_sequence: i64,
}

pub struct TantivyIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    stemmer: WordStemmer,
    directory: Option<PathBuf>,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TantivyIndex({:?})", self.directory)
    }
}

impl TantivyIndex {
    /// Open (or create) the index under `data_dir/search/`. Fails when
    /// another process holds the index's writer.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let directory = data_dir
            .join("search")
            .join(format!("tantivy-v{SCHEMA_VERSION}"));
        std::fs::create_dir_all(&directory)?;
        let (schema, fields) = schema::build();
        let index = Index::open_or_create(MmapDirectory::open(&directory)?, schema)?;
        Self::with_index(index, fields, Some(directory))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields, None)
    }

    fn with_index(index: Index, fields: Fields, directory: Option<PathBuf>) -> Result<Self> {
        index.tokenizers().register(ANALYZER, index_analyzer());
        let reader = index
            .reader_builder()
            // Reloaded by the writer right after each commit: a change is
            // searchable the moment `apply` returns.
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = match index.writer_with_num_threads(1, WRITER_MEMORY) {
            Err(tantivy::TantivyError::LockFailure(_, _)) => {
                let place = directory.as_deref().unwrap_or(Path::new("memory"));
                return Err(SearchError::InUse(place.display().to_string()));
            }
            other => other?,
        };
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            stemmer: WordStemmer::default(),
            directory,
        })
    }

    fn to_tantivy(&self, doc: &SearchDocument) -> Result<TantivyDocument> {
        let mut out = TantivyDocument::default();
        out.add_text(self.fields.id, doc.id.to_string());
        for searchable in crate::document::SEARCHABLE {
            let field = self
                .index
                .schema()
                .get_field(schema::tantivy_field_of(searchable.name))?;
            for text in doc.texts(searchable.name) {
                out.add_text(field, text);
            }
        }
        for (facet, field) in &self.fields.facets {
            for value in doc.facet_values(*facet) {
                out.add_text(*field, value);
            }
        }
        out.add_text(self.fields.name_sort, doc.name.to_lowercase());
        out.add_bytes(self.fields.source, &serde_json::to_vec(doc)?);
        Ok(out)
    }

    fn commit(&self, writer: &mut IndexWriter, last_sequence: i64) -> Result<()> {
        let payload = serde_json::to_string(&CommitPayload { last_sequence })?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    fn id_term(&self, id: uuid::Uuid) -> Term {
        Term::from_field_text(self.fields.id, &id.to_string())
    }

    /// A hit's stored document, or the part of it `T` has fields for.
    fn load<T: serde::de::DeserializeOwned>(
        &self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> Result<T> {
        let stored: TantivyDocument = searcher.doc(address)?;
        let bytes = stored
            .get_first(self.fields.source)
            .and_then(|v| v.as_bytes())
            .unwrap_or_default();
        Ok(serde_json::from_slice(bytes)?)
    }

    fn search_now(&self, query: &SearchQuery) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let parsed = terms::parse(&query.text, &mut self.stemmer.clone());
        let tantivy_query = query_builder::build(query, &parsed, &self.fields)?;
        let top = TopDocs::with_limit(query.limit.max(1)).and_offset(query.offset);
        let aggregations = facets::collector(&query.facets);
        let by_score = query.sort == SortOrder::Relevance && !parsed.is_empty();
        let (hits, total, counted) = if by_score {
            let (top, total, counted) =
                searcher.search(&tantivy_query, &(top.order_by_score(), Count, aggregations))?;
            let hits: Vec<(Option<f32>, DocAddress)> =
                top.into_iter().map(|(s, a)| (Some(s), a)).collect();
            (hits, total, counted)
        } else {
            let (top, total, counted) = searcher.search(
                &tantivy_query,
                &(
                    top.order_by_string_fast_field("name_sort", Order::Asc),
                    Count,
                    aggregations,
                ),
            )?;
            let hits: Vec<(Option<f32>, DocAddress)> =
                top.into_iter().map(|(_, a)| (None, a)).collect();
            (hits, total, counted)
        };
        let hits = hits
            .into_iter()
            .take(query.limit)
            .map(|(score, address)| {
                Ok(SearchHit {
                    document: self.load(&searcher, address)?,
                    score,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults {
            hits,
            estimated_total: total as u64,
            facets: facets::counts(&query.facets, counted),
        }
        .with_facets_ordered())
    }

    fn suggest_now(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let searcher = self.reader.searcher();
        let parsed = terms::parse(prefix, &mut self.stemmer.clone());
        if parsed.is_empty() {
            return Ok(Vec::new());
        }
        let name_only = [(self.fields.name, 1.0)];
        let query: Box<dyn Query> = query_builder::text_query(&parsed, &name_only)?;
        let top = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        top.into_iter()
            .take(limit)
            .map(|(_, address)| self.load::<Suggestion>(&searcher, address))
            .collect()
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>> {
        self.writer.lock().map_err(|_| SearchError::WriterPoisoned)
    }
}

impl SearchIndex for TantivyIndex {
    fn backend(&self) -> &'static str {
        "tantivy"
    }

    async fn apply(&self, batch: IndexBatch) -> Result<()> {
        let mut writer = self.writer()?;
        for id in &batch.deletes {
            writer.delete_term(self.id_term(*id));
        }
        for doc in &batch.upserts {
            writer.delete_term(self.id_term(doc.id));
            writer.add_document(self.to_tantivy(doc)?)?;
        }
        self.commit(&mut writer, batch.last_sequence)
    }

    async fn rebuild(&self, documents: Vec<SearchDocument>, last_sequence: i64) -> Result<()> {
        let mut writer = self.writer()?;
        // Until the commit, searches still see the old documents.
        writer.delete_all_documents()?;
        for doc in &documents {
            writer.add_document(self.to_tantivy(doc)?)?;
        }
        self.commit(&mut writer, last_sequence)
    }

    async fn last_sequence(&self) -> Result<Option<i64>> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .and_then(|p| serde_json::from_str::<CommitPayload>(&p).ok())
            .map(|p| p.last_sequence))
    }

    async fn document_count(&self) -> Result<u64> {
        Ok(self.reader.searcher().num_docs())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        self.search_now(query)
    }

    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        self.suggest_now(prefix, limit)
    }
}
