//! Per request: how many database statements it ran and how long they
//! took. Every request is tallied (two clock reads per statement) and the
//! figures go into the request's debug log line; with
//! `TOOLREG_SERVER_TIMING=true` they are also answered in a `Server-Timing`
//! header (`db;dur=0.412;desc="3 queries"`), which is how the black-box
//! tests and the benchmark's profile see the queries a route runs. Off by
//! default: it tells any client how the service works inside.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use std::sync::Arc;
use toolreg_store::query_tally::QueryTally;

tokio::task_local! {
    /// The tally of the request being served on this task.
    static REQUEST_TALLY: Arc<QueryTally>;
}

/// The tally of the request this code runs for, if any. Taken on the
/// request's own task, before work moves to the blocking pool.
pub fn current() -> Option<Arc<QueryTally>> {
    REQUEST_TALLY.try_with(Arc::clone).ok()
}

/// Middleware: tally the request's statements; answer them in
/// `Server-Timing` when the service is configured to.
pub async fn tally(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let header = req
        .app_data::<web::Data<crate::AppState>>()
        .is_some_and(|s| s.server_timing);
    let tally = Arc::new(QueryTally::default());
    let mut res = REQUEST_TALLY
        .scope(Arc::clone(&tally), next.call(req))
        .await?;
    let (queries, elapsed) = (tally.queries(), tally.elapsed());
    tracing::debug!(
        target: "toolreg::db",
        path = res.request().path(),
        queries,
        db_ms = elapsed.as_secs_f64() * 1000.0,
        "database work of a request"
    );
    if header {
        let value = format!(
            "db;dur={:.3};desc=\"{queries} queries\"",
            elapsed.as_secs_f64() * 1000.0
        );
        if let Ok(value) = HeaderValue::from_str(&value) {
            res.headers_mut()
                .insert(HeaderName::from_static("server-timing"), value);
        }
    }
    Ok(res)
}
