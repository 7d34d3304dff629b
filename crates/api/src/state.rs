//! What every handler can reach.

use crate::response_cache::ResponseCache;
use std::sync::Arc;
use toolreg_store::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub cache: Arc<ResponseCache>,
}

impl AppState {
    pub fn new(pool: DbPool) -> Self {
        Self {
            pool,
            cache: Arc::new(ResponseCache::new(10_000)),
        }
    }
}
