//! The scale-out backend: a Meilisearch index through meilisearch-sdk.
//! toolreg applies the index settings itself at start (idempotently):
//! searchable attributes in ranking order, filterable facets, synonyms,
//! stop words and the same typo distances as the embedded backend. Stems
//! computed by the shared bokmål analysis go in a field of their own,
//! since Meilisearch does not stem. The last applied event sequence lives
//! in a second, one-document index, written after the documents' task
//! succeeded.

use crate::document::{SearchDocument, SEARCHABLE};
use crate::error::{Result, SearchError};
use crate::index::{IndexBatch, SearchIndex};
use crate::norwegian::{WordStemmer, STOP_WORDS, SYNONYMS};
use crate::query::{
    Facet, FacetValueCount, SearchHit, SearchQuery, SearchResults, SortOrder, Suggestion,
    MAX_FACET_VALUES,
};
use meilisearch_sdk::client::{Client, SwapIndexes};
use meilisearch_sdk::errors::{Error as SdkError, ErrorCode};
use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use meilisearch_sdk::settings::{
    FacetingSettings, MinWordSizeForTypos, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// How often a task's state is polled: short, since a publish must be
/// findable within a second.
const TASK_POLL: Duration = Duration::from_millis(10);
/// Longest wait for one task (a rebuild of many documents is one task per
/// chunk).
const TASK_TIMEOUT: Duration = Duration::from_secs(600);
/// Documents sent per request in a rebuild.
const CHUNK: usize = 10_000;
const STATE_ID: &str = "indexer";

/// A document as Meilisearch holds it.
#[derive(Debug, Serialize, Deserialize)]
struct MeiliDocument {
    #[serde(flatten)]
    document: SearchDocument,
    /// Lower-cased name, for sorting by name.
    name_sort: String,
    /// Bokmål stems of the searchable text, so an inflected form finds its
    /// base form and the reverse.
    stems: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexerState {
    id: String,
    last_sequence: i64,
}

#[derive(Debug, Deserialize)]
struct SuggestHit {
    id: uuid::Uuid,
    slug: String,
    name: String,
}

pub struct MeiliIndex {
    client: Client,
    tools: String,
    state: String,
    stemmer: WordStemmer,
}

impl std::fmt::Debug for MeiliIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MeiliIndex({})", self.tools)
    }
}

impl MeiliIndex {
    /// Connect and apply the settings. `prefix` names the indexes
    /// (`{prefix}_tools`, `{prefix}_state`), so several registries (or
    /// tests) can share one server.
    pub async fn connect(url: &str, api_key: Option<&str>, prefix: &str) -> Result<Self> {
        let index = Self {
            client: Client::new(url, api_key)?,
            tools: format!("{prefix}_tools"),
            state: format!("{prefix}_state"),
            stemmer: WordStemmer::default(),
        };
        index.prepare(&index.tools).await?;
        Ok(index)
    }

    /// Create an index if missing and apply the settings.
    async fn prepare(&self, uid: &str) -> Result<()> {
        match self
            .wait(self.client.create_index(uid, Some("id")).await?)
            .await
        {
            Ok(()) | Err(SearchError::MeilisearchTask { .. }) => {}
            Err(e) => return Err(e),
        }
        if self.exists(uid).await? {
            self.wait(self.client.index(uid).set_settings(&settings()).await?)
                .await
        } else {
            Err(SearchError::MeilisearchTask {
                task: 0,
                message: format!("index {uid} could not be created"),
            })
        }
    }

    async fn exists(&self, uid: &str) -> Result<bool> {
        match self.client.get_index(uid).await {
            Ok(_) => Ok(true),
            Err(e) if is_code(&e, &ErrorCode::IndexNotFound) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Wait for a task and turn its failure into an error.
    async fn wait(&self, task: TaskInfo) -> Result<()> {
        match task
            .wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await?
        {
            Task::Failed { content } => Err(SearchError::MeilisearchTask {
                task: content.task.uid,
                message: content.error.error_message,
            }),
            _ => Ok(()),
        }
    }

    fn to_meili(&self, document: SearchDocument) -> MeiliDocument {
        let mut stemmer = self.stemmer.clone();
        let stems: Vec<String> = SEARCHABLE
            .iter()
            .flat_map(|f| document.texts(f.name))
            .flat_map(|text| stemmer.stems_of(text))
            .collect();
        MeiliDocument {
            name_sort: document.name.to_lowercase(),
            stems: stems.join(" "),
            document,
        }
    }

    async fn add(&self, uid: &str, documents: Vec<SearchDocument>) -> Result<()> {
        let docs: Vec<MeiliDocument> = documents.into_iter().map(|d| self.to_meili(d)).collect();
        let index = self.client.index(uid);
        let mut tasks = Vec::new();
        for chunk in docs.chunks(CHUNK) {
            tasks.push(index.add_or_replace(chunk, Some("id")).await?);
        }
        for task in tasks {
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn record(&self, last_sequence: i64) -> Result<()> {
        let state = [IndexerState {
            id: STATE_ID.into(),
            last_sequence,
        }];
        let task = self
            .client
            .index(&self.state)
            .add_or_replace(&state, Some("id"))
            .await?;
        self.wait(task).await
    }
}

fn is_code(e: &SdkError, code: &ErrorCode) -> bool {
    matches!(e, SdkError::Meilisearch(m) if &m.error_code == code)
}

fn settings() -> Settings {
    let searchable: Vec<&str> = SEARCHABLE.iter().map(|f| f.name).chain(["stems"]).collect();
    let filterable: Vec<&str> = Facet::ALL.iter().map(|f| f.field()).collect();
    let mut synonyms: HashMap<String, Vec<String>> = HashMap::new();
    for group in SYNONYMS {
        for word in *group {
            let others = group.iter().filter(|o| *o != word).map(|o| o.to_string());
            synonyms.entry(word.to_string()).or_default().extend(others);
        }
    }
    Settings::new()
        .with_searchable_attributes(searchable)
        .with_filterable_attributes(filterable)
        .with_sortable_attributes(["name_sort"])
        .with_synonyms(synonyms)
        .with_stop_words(STOP_WORDS.iter().copied())
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: None,
            disable_on_words: None,
            disable_on_numbers: None,
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(4),
                two_typos: Some(8),
            }),
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: MAX_FACET_VALUES,
            sort_facet_values_by: None,
        })
}

/// `field IN ["a", "b"] AND …`, values quoted.
fn filter_expression(filters: &BTreeMap<Facet, Vec<String>>) -> Option<String> {
    let clauses: Vec<String> = filters
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(facet, values)| {
            let quoted: Vec<String> = values
                .iter()
                .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            format!("{} IN [{}]", facet.field(), quoted.join(", "))
        })
        .collect();
    (!clauses.is_empty()).then(|| clauses.join(" AND "))
}

impl SearchIndex for MeiliIndex {
    fn backend(&self) -> &'static str {
        "meilisearch"
    }

    async fn apply(&self, batch: IndexBatch) -> Result<()> {
        if !batch.upserts.is_empty() {
            self.add(&self.tools, batch.upserts).await?;
        }
        if !batch.deletes.is_empty() {
            let ids: Vec<String> = batch.deletes.iter().map(|id| id.to_string()).collect();
            let task = self
                .client
                .index(&self.tools)
                .delete_documents(&ids)
                .await?;
            self.wait(task).await?;
        }
        self.record(batch.last_sequence).await
    }

    async fn rebuild(&self, documents: Vec<SearchDocument>, last_sequence: i64) -> Result<()> {
        // Build beside the live index and swap: searches see the old
        // documents until the new ones are complete.
        let next = format!("{}_next", self.tools);
        if self.exists(&next).await? {
            self.wait(self.client.index(&next).delete().await?).await?;
        }
        self.prepare(&next).await?;
        self.add(&next, documents).await?;
        let swap = SwapIndexes {
            indexes: (self.tools.clone(), next.clone()),
            rename: None,
        };
        self.wait(self.client.swap_indexes([&swap]).await?).await?;
        self.wait(self.client.index(&next).delete().await?).await?;
        self.record(last_sequence).await
    }

    async fn last_sequence(&self) -> Result<Option<i64>> {
        match self
            .client
            .index(&self.state)
            .get_document::<IndexerState>(STATE_ID)
            .await
        {
            Ok(state) => Ok(Some(state.last_sequence)),
            Err(e)
                if is_code(&e, &ErrorCode::IndexNotFound)
                    || is_code(&e, &ErrorCode::DocumentNotFound) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn document_count(&self) -> Result<u64> {
        let stats = self.client.index(&self.tools).get_stats().await?;
        Ok(stats.number_of_documents as u64)
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        let index = self.client.index(&self.tools);
        let filter = filter_expression(&query.filters);
        let facet_fields: Vec<&str> = query.facets.iter().map(|f| f.field()).collect();
        let by_name = query.sort == SortOrder::Name || query.text.trim().is_empty();
        let sort = ["name_sort:asc"];
        let mut search = index.search();
        search
            .with_query(&query.text)
            .with_limit(query.limit)
            .with_offset(query.offset)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_show_ranking_score(true);
        if let Some(filter) = &filter {
            search.with_filter(filter);
        }
        if !facet_fields.is_empty() {
            search.with_facets(Selectors::Some(&facet_fields));
        }
        if by_name {
            search.with_sort(&sort);
        }
        let found = search.execute::<MeiliDocument>().await?;
        let distribution = found.facet_distribution.unwrap_or_default();
        let facets = query
            .facets
            .iter()
            .map(|facet| {
                let counts = distribution
                    .get(facet.field())
                    .map(|values| {
                        values
                            .iter()
                            .map(|(value, count)| FacetValueCount {
                                value: value.clone(),
                                count: *count as u64,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (*facet, counts)
            })
            .collect();
        Ok(SearchResults {
            hits: found
                .hits
                .into_iter()
                .map(|hit| SearchHit {
                    score: hit.ranking_score.map(|s| s as f32),
                    document: hit.result.document,
                })
                .collect(),
            estimated_total: found.estimated_total_hits.unwrap_or_default() as u64,
            facets,
        }
        .with_facets_ordered())
    }

    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        if prefix.trim().is_empty() {
            return Ok(Vec::new());
        }
        let index = self.client.index(&self.tools);
        let found = index
            .search()
            .with_query(prefix)
            .with_limit(limit)
            .with_attributes_to_search_on(&["name"])
            .with_attributes_to_retrieve(Selectors::Some(&["id", "slug", "name"]))
            .with_matching_strategy(MatchingStrategies::ALL)
            .execute::<SuggestHit>()
            .await?;
        Ok(found
            .hits
            .into_iter()
            .map(|h| Suggestion {
                id: h.result.id,
                slug: h.result.slug,
                name: h.result.name,
            })
            .collect())
    }
}
