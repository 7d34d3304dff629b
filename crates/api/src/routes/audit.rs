//! Reading the audit trail.

use crate::access::AsAuditReader;
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::problem::Problem;
use crate::query::QueryParams;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use toolreg_store::audit;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries for this target, e.g. `tools/{id}` or `assessments/{id}`.
    pub target: Option<String>,
    /// Entries after this sequence number (for paging).
    pub after: Option<i64>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEntryBody {
    pub sequence: i64,
    pub time: chrono::DateTime<chrono::Utc>,
    pub actor_sub: String,
    pub actor_org: Option<String>,
    pub action: String,
    pub target: String,
    pub request_id: Option<String>,
    pub state_sha256: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// The audit trail, oldest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Entries", body = Vec<AuditEntryBody>),
        (status = 400, description = "Bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No or bad token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a reviewer or admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    _reader: AsAuditReader,
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
        Ok(
            audit::list(conn, q.target.as_deref(), q.after.unwrap_or(0), limit)?
                .into_iter()
                .map(|e| AuditEntryBody {
                    sequence: e.sequence,
                    time: e.time,
                    actor_sub: e.actor_sub,
                    actor_org: e.actor_org,
                    action: e.action,
                    target: e.target,
                    request_id: e.request_id,
                    state_sha256: e.state_sha256,
                    prev_hash: e.prev_hash,
                    entry_hash: e.entry_hash,
                })
                .collect::<Vec<_>>(),
        )
    })
    .await?;
    Ok(json_response(&req, &entries, CachePolicy::Revalidate))
}
