//! Reading the audit trail and its signed checkpoints.

use crate::access::AsReviewerOrAdmin;
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::pagination::{feed_response, limit_of, with_next_link, FeedParams, FeedPosition};
use crate::problem::Problem;
use crate::query::QueryParams;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use toolreg_core::audit::AuditEntry;
use toolreg_core::checkpoint::{Checkpoint, PublicKey};
use toolreg_store::tables::audit;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries for this target and everything under it, e.g.
    /// `tools/{id}` or `assessments/{id}` (which includes its versions).
    pub target: Option<String>,
}

/// The audit trail, oldest first, with `Link` to the entries after the
/// last one when the page is full.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery, FeedParams),
    responses(
        (status = 200, description = "Entries", body = Vec<AuditEntry>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when the page is full"))),
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
    position: FeedPosition,
) -> Result<HttpResponse, Problem> {
    let target = query.into_inner().target;
    let entries = with_db(&state, move |conn| {
        Ok(audit::list(
            conn,
            target.as_deref(),
            position.after,
            i64::from(position.limit),
        )?)
    })
    .await?;
    let last = entries.last().map(|e| e.sequence);
    Ok(feed_response(&req, &entries, position, last))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointQuery {
    /// Only checkpoints before this sequence number (for paging back).
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// Signed checkpoints of the audit chain, newest first. Keep them: with
/// `toolreg audit verify --checkpoints FILE` and the key from
/// `/.well-known/toolreg-audit-key`, anyone can later prove that history up
/// to each one was neither truncated nor rewritten.
#[utoipa::path(
    tag = "audit",
    params(CheckpointQuery),
    responses(
        (status = 200, description = "Checkpoints", body = Vec<Checkpoint>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" (older checkpoints) when the page is full"))),
    )
)]
#[get("/audit/checkpoints")]
pub async fn list_checkpoints(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<CheckpointQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let limit = i64::from(limit_of(q.limit)?);
    if q.before.is_some_and(|b| b < 1) {
        return Err(Problem::invalid_input(
            "/before",
            "before er et sekvensnummer fra 1",
        ));
    }
    let list = with_db(&state, move |conn| {
        Ok(toolreg_store::ops::checkpoint::list(conn, q.before, limit)?)
    })
    .await?;
    // Newest first: the next page is the checkpoints before the last one.
    let full = list.len() as i64 >= limit;
    let before = list.last().filter(|_| full).map(|c| c.sequence.to_string());
    let resp = json_response(&req, &list, CachePolicy::Revalidate);
    Ok(with_next_link(
        resp,
        &req,
        before.as_deref().map(|b| ("before", b)),
    ))
}

/// The public key audit checkpoints are signed with (Ed25519, as a JSON Web
/// Key with its `key_id`).
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The key", body = PublicKey, headers(("ETag" = String))),
        (status = 404, description = "This deployment signs no checkpoints", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/.well-known/toolreg-audit-key")]
pub async fn audit_key(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, Problem> {
    let key = state
        .audit_key
        .clone()
        .ok_or_else(|| Problem::not_found("denne installasjonen signerer ikke sjekkpunkter"))?;
    Ok(json_response(&req, &key, CachePolicy::Revalidate))
}
