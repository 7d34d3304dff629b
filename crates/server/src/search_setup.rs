//! Opening the configured search index, shared by `serve` and `reindex`.

use crate::config::Config;
use crate::database::StartError;
use toolreg_search::meili::MeiliIndex;
use toolreg_search::tantivy_backend::TantivyIndex;
use toolreg_search::AnyIndex;

/// The embedded tantivy index under the data directory, or Meilisearch
/// when `TOOLREG_SEARCH_URL` is set (its settings are applied here,
/// idempotently).
pub async fn open_index(config: &Config) -> Result<AnyIndex, StartError> {
    match &config.search.meilisearch {
        None => Ok(AnyIndex::Tantivy(TantivyIndex::open(&config.data_dir)?)),
        Some(meili) => Ok(AnyIndex::Meilisearch(
            MeiliIndex::connect(&meili.url, meili.api_key.as_deref(), &meili.index_prefix).await?,
        )),
    }
}
