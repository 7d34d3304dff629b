//! Liveness and readiness for load balancers and orchestrators.

use crate::problem::Problem;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use serde_json::json;

/// The process is up and serving HTTP. Checks nothing else, so a slow
/// database never gets a healthy process restarted.
#[utoipa::path(tag = "health", responses((status = 200, description = "Up", body = Object, example = json!({"status": "ok"}))))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready to serve traffic: the database answers.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready", body = Object, example = json!({"status": "ready", "checks": {"database": "ok"}})),
    (status = 503, description = "Not ready", body = crate::problem::Problem, content_type = "application/problem+json"),
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let pool = state.pool.clone();
    let database = web::block(move || toolreg_store::connection::ping(&pool))
        .await
        .map_err(|_| Problem::internal())?;
    match database {
        Ok(()) => {
            Ok(HttpResponse::Ok()
                .json(json!({ "status": "ready", "checks": { "database": "ok" } })))
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Err(Problem::unavailable("Databasen svarer ikke."))
        }
    }
}
