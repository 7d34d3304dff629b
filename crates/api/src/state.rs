//! What every handler can reach.

use crate::limits::{Limits, LimitsConfig};
use crate::response_cache::ResponseCache;
use std::sync::Arc;
use toolreg_auth::Validator;
use toolreg_store::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    /// One permit per pooled connection: database work waits here, on the
    /// async side, rather than as a blocked thread each (see `blocking`).
    pub db_permits: Arc<tokio::sync::Semaphore>,
    pub cache: Arc<ResponseCache>,
    pub validator: Arc<Validator>,
    /// A reviewer may not publish a draft they were the last to edit.
    pub four_eyes: bool,
    pub limits: Arc<Limits>,
    /// The key audit checkpoints are signed with, published at
    /// `/.well-known/toolreg-audit-key`.
    pub audit_key: Option<toolreg_core::checkpoint::PublicKey>,
    /// The search index; `None` answers search with 503.
    pub search: Option<SearchState>,
    /// Which webhook URLs may be registered (public https by default).
    pub webhook_targets: toolreg_notify::target::TargetPolicy,
    /// The service's public address, for absolute links (feeds).
    pub public_url: String,
    /// Where document bytes go; `None` answers uploads and downloads with
    /// 503.
    pub documents: Option<Arc<Documents>>,
    /// Answer each request's database work in `Server-Timing`.
    pub server_timing: bool,
}

/// Document storage and the largest upload it takes.
pub struct Documents {
    pub blobs: toolreg_blob::BlobStore,
    pub max_bytes: u64,
}

/// What the response cache may hold: 64 MiB of rendered responses, some
/// 30,000 tools at their usual 2 KiB (the old cap of 10,000 entries was
/// emptied whole when full, a cliff once more tools were read in turn).
pub const RESPONSE_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// The default upload limit: 25 MiB.
pub const DEFAULT_DOCUMENT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// The search index, and how its indexer is doing when this process runs
/// one.
#[derive(Clone)]
pub struct SearchState {
    pub index: Arc<toolreg_search::AnyIndex>,
    pub indexer: Option<Arc<toolreg_search::indexer::IndexerStatus>>,
}

impl AppState {
    pub fn new(pool: DbPool, validator: Validator, four_eyes: bool, limits: LimitsConfig) -> Self {
        let connections = usize::try_from(pool.max_size()).unwrap_or(1);
        Self {
            db_permits: Arc::new(tokio::sync::Semaphore::new(connections)),
            pool,
            cache: Arc::new(ResponseCache::new(RESPONSE_CACHE_BYTES)),
            validator: Arc::new(validator),
            four_eyes,
            limits: Arc::new(Limits::new(limits)),
            audit_key: None,
            search: None,
            webhook_targets: Default::default(),
            public_url: "http://localhost".to_string(),
            documents: None,
            server_timing: false,
        }
    }

    /// Answer each request's database work in `Server-Timing`.
    pub fn with_server_timing(mut self, on: bool) -> Self {
        self.server_timing = on;
        self
    }

    /// A response cache of `bytes` (0: none, every read goes to the
    /// database, as the benchmark's cold runs need).
    pub fn with_response_cache(mut self, bytes: usize) -> Self {
        self.cache = Arc::new(ResponseCache::new(bytes));
        self
    }

    pub fn with_search(mut self, search: SearchState) -> Self {
        self.search = Some(search);
        self
    }

    pub fn with_webhook_targets(mut self, policy: toolreg_notify::target::TargetPolicy) -> Self {
        self.webhook_targets = policy;
        self
    }

    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = url.trim_end_matches('/').to_string();
        self
    }

    pub fn with_documents(mut self, blobs: toolreg_blob::BlobStore, max_bytes: u64) -> Self {
        self.documents = Some(Arc::new(Documents { blobs, max_bytes }));
        self
    }

    pub fn with_audit_key(mut self, key: toolreg_core::checkpoint::PublicKey) -> Self {
        self.audit_key = Some(key);
        self
    }
}
