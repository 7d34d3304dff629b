//! Reading the audit trail.

use crate::access::AsReviewerOrAdmin;
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::problem::Problem;
use crate::query::QueryParams;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use toolreg_core::audit::AuditEntry;
use toolreg_store::audit;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries for this target, e.g. `tools/{id}` or `assessments/{id}`.
    pub target: Option<String>,
    /// Entries after this sequence number (for paging).
    pub after: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The audit trail, oldest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries", body = Vec<AuditEntry>),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: AsReviewerOrAdmin,
    query: QueryParams<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let limit = i64::from(q.limit.unwrap_or(50));
    if !(1..=200).contains(&limit) {
        return Err(Problem::invalid_input(
            "/limit",
            "limit må være fra 1 til 200",
        ));
    }
    let entries = with_db(&state, move |conn| {
        Ok(audit::list(
            conn,
            q.target.as_deref(),
            q.after.unwrap_or(0),
            limit,
        )?)
    })
    .await?;
    Ok(json_response(&req, &entries, CachePolicy::Revalidate))
}
