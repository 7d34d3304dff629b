use thiserror::Error;

#[derive(Debug, Error)]
pub enum SearchError {
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("opening the index directory: {0}")]
    OpenDirectory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("the search index in {0} is in use by another toolreg process; stop it first")]
    InUse(String),
    #[error("the index's writer is poisoned by an earlier panic")]
    WriterPoisoned,
    #[error("Meilisearch: {0}")]
    Meilisearch(#[from] meilisearch_sdk::errors::Error),
    #[error("Meilisearch task {task} failed: {message}")]
    MeilisearchTask { task: u32, message: String },
    #[error("reading the store: {0}")]
    Store(#[from] toolreg_store::error::StoreError),
    #[error("an indexed document could not be read back: {0}")]
    Document(#[from] serde_json::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, SearchError>;
