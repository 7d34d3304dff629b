//! Liveness and readiness for load balancers and orchestrators.

use crate::problem::Problem;
use crate::state::{AppState, SearchState};
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use serde_json::json;
use toolreg_search::SearchIndex;
use utoipa::ToSchema;

/// The process is up and serving HTTP. Checks nothing else, so a slow
/// database never gets a healthy process restarted.
#[utoipa::path(tag = "health", responses((status = 200, description = "Up", body = Object, example = json!({"status": "ok"}))))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// Always `ready` on 200.
    pub status: String,
    pub checks: ReadinessChecks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessChecks {
    /// `ok`: the database answers.
    pub database: String,
    /// The search index; absent when this process has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchReadiness>,
}

/// How the search index is doing. A lagging or failing index does not make
/// the service unready — the registry is served from the database and
/// search answers 503 on its own — but it is reported here.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchReadiness {
    /// `tantivy` or `meilisearch`.
    pub backend: String,
    /// `ok`; `building` before the first catch-up finished (or while the
    /// index was never built); `failing` when the index or the indexer
    /// fails.
    #[schema(example = "ok")]
    pub status: String,
    /// Tools in the index.
    pub documents: Option<u64>,
    /// The last event sequence the index has applied.
    pub last_sequence: Option<i64>,
    /// Events in the log the index has not applied yet.
    pub behind: Option<i64>,
    /// Whether this process runs the indexer (`TOOLREG_SEARCH_FOLLOW`).
    pub following: bool,
}

/// Ready to serve traffic: the database answers. Also reports the search
/// index and how far behind the event log it is.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready", body = Readiness, example = json!({"status": "ready", "checks": {"database": "ok", "search": {"backend": "tantivy", "status": "ok", "documents": 12, "last_sequence": 40, "behind": 0, "following": true}}})),
    (status = 503, description = "Not ready", body = crate::problem::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let pool = state.pool.clone();
    // Reading the log's head is the database check: it needs a connection
    // and a query that answers.
    let database = web::block(move || {
        let mut conn = pool.get()?;
        toolreg_store::tables::event::last_sequence(&mut conn)
    })
    .await
    .map_err(|_| Problem::internal())?;
    let log_sequence = match database {
        Ok(sequence) => sequence,
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            return Err(Problem::unavailable("Databasen svarer ikke."));
        }
    };
    let search = match &state.search {
        Some(search) => Some(search_readiness(search, log_sequence).await),
        None => None,
    };
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".into(),
        checks: ReadinessChecks {
            database: "ok".into(),
            search,
        },
    }))
}

async fn search_readiness(search: &SearchState, log_sequence: i64) -> SearchReadiness {
    let documents = search.index.document_count().await;
    let applied = search.index.last_sequence().await;
    let indexer_failing = search.indexer.as_ref().is_some_and(|s| s.failing());
    let first_catch_up_done = search
        .indexer
        .as_ref()
        .is_none_or(|s| s.caught_up_to().is_some());
    let status = match (&documents, &applied) {
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "readiness: the search index does not answer");
            "failing"
        }
        _ if indexer_failing => "failing",
        (_, Ok(None)) => "building",
        _ if !first_catch_up_done => "building",
        _ => "ok",
    };
    let last_sequence = applied.ok().flatten();
    SearchReadiness {
        backend: search.index.backend().into(),
        status: status.into(),
        documents: documents.ok(),
        last_sequence,
        behind: last_sequence.map(|applied| (log_sequence - applied).max(0)),
        following: search.indexer.is_some(),
    }
}
