//! Assessments: the published part for everyone, the draft for reviewers,
//! and the actions that move an assessment on (publish, withdraw).

use super::parse_id;
use crate::access::{may_review, AsReviewer, Caller};
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::json_body::JsonBody;
use crate::pagination::{encode_cursor, with_next_link, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use toolreg_core::assessment::{
    Assessment, AssessmentInput, AssessmentKind, AssessmentStatus, WithdrawInput, Withdrawal,
};
use toolreg_core::ids::AssessmentId;
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
use toolreg_store::ops;
use toolreg_store::tables::{assessment, verdict_version};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionItem {
    pub version: i32,
    pub level: VerdictLevel,
    pub published_at: DateTime<Utc>,
    pub content_sha256: String,
}

/// What anyone may see of an assessment: no draft.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssessmentBody {
    pub id: Uuid,
    pub kind: AssessmentKind,
    pub title: String,
    pub tool_ids: Vec<Uuid>,
    pub reviewer_org_id: Uuid,
    pub status: AssessmentStatus,
    pub latest_version: Option<i32>,
    pub withdrawal: Option<Withdrawal>,
    pub versions: Vec<VersionItem>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn public_body(a: Assessment, versions: Vec<VerdictVersion>) -> AssessmentBody {
    AssessmentBody {
        id: a.id,
        kind: a.kind,
        title: a.title,
        tool_ids: a.tool_ids,
        reviewer_org_id: a.reviewer_org_id,
        status: a.status,
        latest_version: a.latest_version,
        withdrawal: a.withdrawal,
        versions: versions
            .into_iter()
            .map(|v| VersionItem {
                version: v.version,
                level: v.content.level,
                published_at: v.published_at,
                content_sha256: v.content_sha256,
            })
            .collect(),
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// Only assessments with this status.
    pub status: Option<AssessmentStatus>,
}

/// One line of a reviewer organisation's list of assessments.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssessmentListItem {
    pub id: Uuid,
    pub kind: AssessmentKind,
    pub title: String,
    pub tool_ids: Vec<Uuid>,
    pub status: AssessmentStatus,
    pub latest_version: Option<i32>,
    /// Send as `If-Match` when saving or publishing the draft.
    pub draft_revision: i64,
    pub draft_updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The caller's own organisation's assessments, drafts included, by title.
#[utoipa::path(
    tag = "assessments",
    params(AssessmentQuery, PageParams),
    responses(
        (status = 200, description = "A page of assessments", body = ListBody<AssessmentListItem>,
         headers(("Link" = String, description = "rel=\"next\" when more pages follow"))),
    )
)]
#[get("/assessments")]
pub async fn list_assessments(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    query: crate::query::QueryParams<AssessmentQuery>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let body = with_db(&state, move |conn| {
        let org = crate::access::acting_org(conn, &caller, toolreg_auth::Role::Reviewer)?;
        let p = assessment::list_for_reviewer(conn, org.id, q.status, &page)?;
        Ok(ListBody {
            items: p
                .items
                .into_iter()
                .map(|a| AssessmentListItem {
                    id: a.id,
                    kind: a.kind,
                    title: a.title,
                    tool_ids: a.tool_ids,
                    status: a.status,
                    latest_version: a.latest_version,
                    draft_revision: a.draft_revision,
                    draft_updated_by: a.draft_updated_by,
                    updated_at: a.updated_at,
                })
                .collect(),
            next_cursor: p.next.as_ref().map(encode_cursor),
        })
    })
    .await?;
    // Drafts change without notice to caches: never stored.
    let mut resp = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(&body);
    resp = with_next_link(
        resp,
        &req,
        body.next_cursor.as_deref().map(|c| ("cursor", c)),
    );
    Ok(resp)
}

/// The published part of an assessment. One never published is visible
/// only to its own organisation's reviewers (404 to everyone else).
#[utoipa::path(
    tag = "assessments",
    params(("id" = Uuid, Path, description = "Assessment id")),
    responses(
        (status = 200, description = "The assessment", body = AssessmentBody, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}")]
pub async fn get_assessment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let body = with_db(&state, move |conn| {
        let a = assessment::get(conn, id)?;
        let published = a.latest_version.is_some();
        if !published
            && (caller.require(crate::access::Who::Reviewer).is_err()
                || may_review(conn, &caller, a.reviewer_org_id).is_err())
        {
            return Err(Problem::not_found("vurderingen finnes ikke"));
        }
        let versions = verdict_version::list_for_assessment(conn, id)?;
        Ok(public_body(a, versions))
    })
    .await?;
    Ok(json_response(&req, &body, CachePolicy::Revalidate))
}

/// Start an assessment of one or more tools. It begins as an empty draft.
#[utoipa::path(
    tag = "assessments",
    request_body(content = AssessmentInput, example = json!({
        "kind": "dpia", "title": "DPIA for Kahoot!",
        "tool_ids": ["0190f3a4-1c2b-7d3e-8f40-123456789abc"], "reviewer_org_id": "0190f3a4-1c2b-7d3e-8f40-000000000001"
    })),
    responses(
        (status = 201, description = "Created", body = AssessmentBody, headers(("Location" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Tool or reviewer not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments")]
pub async fn create_assessment(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    body: JsonBody<AssessmentInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let a = with_db(&state, move |conn| {
        may_review(conn, &caller, input.reviewer_org_id)?;
        Ok(ops::assessment::create(
            conn,
            &ctx,
            AssessmentId::new_v7(),
            &input,
        )?)
    })
    .await?;
    let id = a.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/assessments/{id}")))
        .json(public_body(a, Vec::new())))
}

/// Withdraw an assessment: its verdicts stop being in force now; history keeps them.
#[utoipa::path(
    tag = "assessments",
    params(("id" = Uuid, Path, description = "Assessment id")),
    request_body(content = WithdrawInput, example = json!({"reason": "Erstattet av ny DPIA etter endrede vilkår"})),
    responses(
        (status = 200, description = "Withdrawn", body = AssessmentBody),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/withdraw")]
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    path: web::Path<String>,
    body: JsonBody<WithdrawInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let reason = body.0.reason;
    let ctx = crate::change_context::of(&req, &caller);
    let body = with_db(&state, move |conn| {
        let current = assessment::get(conn, id)?;
        may_review(conn, &caller, current.reviewer_org_id)?;
        let a = ops::assessment::withdraw(conn, &ctx, id.into(), &reason)?;
        let versions = verdict_version::list_for_assessment(conn, id)?;
        Ok(public_body(a, versions))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}
