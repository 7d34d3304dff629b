//! diesel is synchronous: every store call runs on actix's blocking pool,
//! never on the async executor. Work is admitted to that pool no faster
//! than there are pooled connections: 64 concurrent requests on a pool of
//! 16 used to become 64 blocking threads, 48 of them asleep on the pool's
//! condition variable, and the wake-ups and context switches took a tenth
//! of the CPU of a cold read (measured with perf; bench/results).

use crate::problem::Problem;
use crate::state::AppState;
use actix_web::web;
use toolreg_store::{DbConnection, StoreError};

/// Run `f` with a pooled connection on the blocking pool, its statements
/// tallied for the request it serves.
pub async fn with_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, Problem>
where
    F: FnOnce(&mut DbConnection) -> Result<T, Problem> + Send + 'static,
    T: Send + 'static,
{
    let _permit = state.db_permits.acquire().await.map_err(|e| {
        tracing::error!(error = %e, "database permits closed");
        Problem::internal()
    })?;
    let pool = state.pool.clone();
    let tally = crate::query_timing::current();
    web::block(move || {
        let mut conn = pool.get().map_err(StoreError::from)?;
        match tally {
            Some(tally) => toolreg_store::query_tally::tallied(&mut conn, tally, f),
            None => f(&mut conn),
        }
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "blocking task failed");
        Problem::internal()
    })?
}
