//! A tool's subprocessor chain: the tree of a revision, the list of
//! revisions, the diff of two, and recording a new list.

use crate::access::{AsReviewerOrAdmin, Who};
use crate::blocking::with_db;
use crate::caching::CachePolicy;
use crate::json_body::JsonBody;
use crate::problem::Problem;
use crate::state::AppState;
use crate::tool_path::ToolPath;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toolreg_core::subprocessor::{
    build_tree, summarise, SubprocessorNode, SubprocessorRevisionInput, SubprocessorSummary,
};
use toolreg_core::subprocessor_diff::{diff_subprocessors, SubprocessorDiff};
use toolreg_store::ops;
use toolreg_store::tables::subprocessor_revision;
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubprocessorTreeBody {
    pub tool_id: Uuid,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub note: String,
    pub source_url: Option<String>,
    pub summary: SubprocessorSummary,
    pub tree: Vec<SubprocessorNode>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// An older revision; the latest when absent.
    pub revision: Option<i32>,
}

/// The subprocessor chain of a tool as a tree, with derived third countries.
#[utoipa::path(
    tag = "subprocessors",
    params(ToolPath, RevisionQuery),
    responses(
        (status = 200, description = "The chain", body = SubprocessorTreeBody, headers(("ETag" = String))),
        (status = 404, description = "No such tool or revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors")]
pub async fn subprocessors(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
    query: crate::query::QueryParams<RevisionQuery>,
) -> Result<HttpResponse, Problem> {
    let wanted = query.revision;
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        let r = match wanted {
            Some(n) => subprocessor_revision::get(conn, t.id, n)?,
            None => subprocessor_revision::latest(conn, t.id)?.ok_or_else(|| {
                Problem::not_found("Verktøyet har ingen registrerte underdatabehandlere.")
            })?,
        };
        Ok(SubprocessorTreeBody {
            tool_id: t.id,
            revision: r.revision,
            created_at: r.created_at,
            note: r.note,
            source_url: r.source_url,
            summary: summarise(&r.entries),
            tree: build_tree(&r.entries),
        })
    })
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionItem {
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub note: String,
    pub summary: SubprocessorSummary,
}

/// All subprocessor revisions of a tool, oldest first.
#[utoipa::path(
    tag = "subprocessors",
    params(ToolPath),
    responses(
        (status = 200, description = "Revisions", body = Vec<RevisionItem>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors/revisions")]
pub async fn subprocessor_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        Ok(subprocessor_revision::list(conn, t.id)?
            .into_iter()
            .map(|r| RevisionItem {
                revision: r.revision,
                created_at: r.created_at,
                created_by: r.created_by,
                note: r.note,
                summary: summarise(&r.entries),
            })
            .collect::<Vec<_>>())
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionDiffQuery {
    pub from: i32,
    pub to: i32,
}

/// What changed between two subprocessor revisions, entry by entry.
#[utoipa::path(
    tag = "subprocessors",
    params(ToolPath, RevisionDiffQuery),
    responses(
        (status = 200, description = "Diff", body = SubprocessorDiff),
        (status = 400, description = "Bad revision numbers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors/diff")]
pub async fn subprocessor_diff(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
    query: crate::query::QueryParams<RevisionDiffQuery>,
) -> Result<HttpResponse, Problem> {
    let (from, to) = (query.from, query.to);
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        let a = subprocessor_revision::get(conn, t.id, from)?;
        let b = subprocessor_revision::get(conn, t.id, to)?;
        Ok(diff_subprocessors(&a.entries, &b.entries))
    })
    .await
}

/// A recorded subprocessor list and what changed since the one before.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedRevisionBody {
    pub tool_id: Uuid,
    pub revision: i32,
    /// None for a tool's first list, whose diff is all additions.
    pub previous_revision: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub note: String,
    pub source_url: Option<String>,
    pub summary: SubprocessorSummary,
    pub diff: SubprocessorDiff,
}

/// Record a tool's subprocessor list as its next revision: the whole list,
/// chains given by `parent`. The answer carries the diff against the
/// previous revision; subscribers get it as a `subprocessors.changed`
/// event (critical when data newly goes to a third country).
#[utoipa::path(
    tag = "subprocessors",
    params(ToolPath),
    request_body(content = SubprocessorRevisionInput, example = json!({
        "note": "Ny liste fra leverandørens nettside",
        "source_url": "https://kahoot.com/subprocessors",
        "entries": [
            {"id": "aws", "name": "Amazon Web Services EMEA SARL", "country": "IE", "role": "sub_processor",
             "purpose": "Drift", "transfer_mechanism": "eea"}
        ]
    })),
    responses(
        (status = 201, description = "Recorded", body = RecordedRevisionBody, headers(("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid list", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tools/{id_or_slug}/subprocessors/revisions")]
pub async fn record_subprocessor_revision(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewerOrAdmin(caller): AsReviewerOrAdmin,
    tool: ToolPath,
    body: JsonBody<SubprocessorRevisionInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let recorded = with_db(&state, move |conn| {
        // A reviewer records lists in the name of a registered reviewing
        // organisation; an admin needs none.
        if caller.require(Who::Admin).is_err() {
            crate::access::acting_org(conn, &caller, toolreg_auth::Role::Reviewer)?;
        }
        let t = tool.load(conn)?;
        Ok(ops::subprocessors::append(
            conn,
            &ctx,
            Uuid::now_v7(),
            t.id.into(),
            &input,
        )?)
    })
    .await?;
    let r = recorded.revision;
    let body = RecordedRevisionBody {
        tool_id: r.tool_id,
        revision: r.revision,
        previous_revision: recorded.previous_revision,
        created_at: r.created_at,
        created_by: r.created_by,
        note: r.note,
        source_url: r.source_url,
        summary: summarise(&r.entries),
        diff: recorded.diff,
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/tools/{}/subprocessors?revision={}",
                body.tool_id, body.revision
            ),
        ))
        .json(body))
}
