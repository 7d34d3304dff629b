//! What every handler can reach.

use toolreg_store::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
}
