//! Assessments: the published part for everyone, the draft for reviewers,
//! and the actions that move an assessment on (publish, withdraw).

use super::parse_id;
use crate::access::{may_review, AsReviewer, Caller};
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy, IfMatch};
use crate::json_body::JsonBody;
use crate::pagination::{encode_cursor, page_request, ListBody};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use toolreg_core::assessment::{
    Assessment, AssessmentInput, AssessmentKind, AssessmentStatus, WithdrawInput, Withdrawal,
};
use toolreg_core::verdict::{VerdictDraft, VerdictLevel, VerdictVersion};
use toolreg_store::{assessment, verdict_version};
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
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
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
    params(AssessmentQuery),
    responses(
        (status = 200, description = "A page of assessments", body = ListBody<AssessmentListItem>),
    )
)]
#[get("/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    query: crate::query::QueryParams<AssessmentQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
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
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body))
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
    let request_id = crate::audit::request_id(&req);
    let a = with_db(&state, move |conn| {
        crate::audit::audited(
            conn,
            &caller,
            &request_id,
            "assessment.create",
            |a: &Assessment| format!("assessments/{}", a.id),
            |conn| {
                may_review(conn, &caller, input.reviewer_org_id)?;
                Ok(assessment::create(
                    conn,
                    Uuid::now_v7(),
                    &input,
                    toolreg_store::time::now(),
                )?)
            },
        )
    })
    .await?;
    let id = a.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/assessments/{id}")))
        .json(public_body(a, Vec::new())))
}

/// The draft being edited; without one, the latest published content.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DraftBody {
    pub assessment_id: Uuid,
    /// Changes on every save; send it back as `If-Match`.
    pub draft_revision: i64,
    pub updated_by: Option<String>,
    /// False when nothing is drafted and `draft` shows the latest version.
    pub has_unpublished_draft: bool,
    pub draft: Option<VerdictDraft>,
}

fn draft_etag(revision: i64) -> String {
    format!("\"draft-{revision}\"")
}

/// The draft ETag carries the draft revision; anything else is stale.
fn revision_from_if_match(value: &str) -> Result<i64, Problem> {
    value
        .trim()
        .strip_prefix("\"draft-")
        .and_then(|v| v.strip_suffix('"'))
        .and_then(|v| v.parse().ok())
        .ok_or_else(Problem::stale)
}

fn draft_body(
    conn: &mut toolreg_store::DbConnection,
    a: &Assessment,
) -> Result<DraftBody, Problem> {
    let (draft, unpublished) = match &a.draft {
        Some(d) => (Some(d.clone()), true),
        None => {
            let latest = verdict_version::latest_of_assessment(conn, a.id)?;
            (
                latest.map(|v| VerdictDraft {
                    content: v.content,
                    change_note: String::new(),
                }),
                false,
            )
        }
    };
    Ok(DraftBody {
        assessment_id: a.id,
        draft_revision: a.draft_revision,
        updated_by: a.draft_updated_by.clone(),
        has_unpublished_draft: unpublished,
        draft,
    })
}

fn draft_response(body: &DraftBody) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, draft_etag(body.draft_revision)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// Read the draft and its ETag.
#[utoipa::path(
    tag = "assessments",
    params(("id" = Uuid, Path, description = "Assessment id")),
    responses(
        (status = 200, description = "The draft", body = DraftBody, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/assessments/{id}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let body = with_db(&state, move |conn| {
        let a = assessment::get(conn, id)?;
        may_review(conn, &caller, a.reviewer_org_id)?;
        draft_body(conn, &a)
    })
    .await?;
    Ok(draft_response(&body))
}

/// Replace the draft: the whole next verdict and its change note.
#[utoipa::path(
    tag = "assessments",
    params(
        ("id" = Uuid, Path, description = "Assessment id"),
        ("If-Match" = String, Header, description = "ETag of the draft as last read"),
    ),
    request_body(content = VerdictDraft, example = json!({
        "level": "approved_with_conditions",
        "summary": "Kan brukes med vilkår",
        "rationale": "Restrisikoen er akseptabel med tiltakene.",
        "conditions": [{"text": "Bruk Feide-innlogging", "audience": "school_owner", "setting_key": "login.feide_only", "mandatory": true}],
        "findings": [{"ref": "R1", "title": "Overføring til USA", "category": "third_country_transfer", "gdpr_articles": ["44"],
                      "likelihood": 3, "consequence": 4, "measures": [{"description": "DPF-sertifisert", "owner": "vendor", "status": "implemented"}],
                      "residual_likelihood": 1, "residual_consequence": 4, "treatment": "reduce", "provenance": "contract_review"}],
        "data_flows": [],
        "review_due": "2027-06-01",
        "change_note": "Første versjon"
    })),
    responses(
        (status = 200, description = "Saved", body = DraftBody, headers(("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Assessment withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/assessments/{id}/draft")]
pub async fn replace_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    path: web::Path<String>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<VerdictDraft>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let expected = revision_from_if_match(&if_match)?;
    let draft = body.0;
    let request_id = crate::audit::request_id(&req);
    let body = with_db(&state, move |conn| {
        crate::audit::audited(
            conn,
            &caller,
            &request_id,
            "assessment.draft",
            |d: &DraftBody| format!("assessments/{}", d.assessment_id),
            |conn| {
                let current = assessment::get(conn, id)?;
                may_review(conn, &caller, current.reviewer_org_id)?;
                let a = assessment::replace_draft(
                    conn,
                    id,
                    &draft,
                    caller.sub(),
                    Some(expected),
                    toolreg_store::time::now(),
                )?;
                draft_body(conn, &a)
            },
        )
    })
    .await?;
    Ok(draft_response(&body))
}

/// Publish the draft as the next immutable version.
#[utoipa::path(
    tag = "assessments",
    params(
        ("id" = Uuid, Path, description = "Assessment id"),
        ("If-Match" = String, Header, description = "ETag of the draft being published"),
    ),
    responses(
        (status = 201, description = "Published", body = VerdictVersion, headers(("Location" = String), ("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing new to publish, no draft, or withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Draft changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Draft not publishable", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/assessments/{id}/publish")]
pub async fn publish(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewer(caller): AsReviewer,
    path: web::Path<String>,
    IfMatch(if_match): IfMatch,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let expected = revision_from_if_match(&if_match)?;
    let four_eyes = state.four_eyes;
    let request_id = crate::audit::request_id(&req);
    let (version, tool) = with_db(&state, move |conn| {
        // The entry's state is the version itself, so `audit verify` can hold
        // every stored version to it.
        let version = crate::audit::audited(conn, &caller, &request_id, toolreg_core::audit::PUBLISH_ACTION, |v: &VerdictVersion| toolreg_core::audit::publication_target(v.assessment_id, v.version), |conn| {
        // Four eyes: whoever edited the draft last may not also publish it.
        // A later edit by someone else changes the draft revision, so the
        // If-Match check inside publish closes the gap after this read.
        let current = assessment::get(conn, id)?;
        may_review(conn, &caller, current.reviewer_org_id)?;
        if four_eyes && current.draft_updated_by.as_deref() == Some(caller.sub()) {
            return Err(Problem::new(StatusCode::FORBIDDEN, "four-eyes", "En annen må publisere").detail(
                "Du var den siste som endret utkastet. En annen vurderer må kontrollere og publisere det.",
            ));
        }
        Ok(assessment::publish(
            conn,
            id,
            Uuid::now_v7(),
            caller.sub(),
            Some(expected),
            toolreg_store::time::now(),
        )?)
    })?;
        let tool = assessment::get(conn, id)?
            .tool_ids
            .first()
            .copied()
            .unwrap_or_default();
        Ok((version, tool))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/tools/{tool}/verdicts/{}/{}",
                version.assessment_id, version.version
            ),
        ))
        .insert_header((header::ETAG, crate::caching::etag_of(&version)))
        .json(version))
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
    let request_id = crate::audit::request_id(&req);
    let body = with_db(&state, move |conn| {
        crate::audit::audited(
            conn,
            &caller,
            &request_id,
            "assessment.withdraw",
            |a: &AssessmentBody| format!("assessments/{}", a.id),
            |conn| {
                let current = assessment::get(conn, id)?;
                may_review(conn, &caller, current.reviewer_org_id)?;
                let a = assessment::withdraw(
                    conn,
                    id,
                    caller.sub(),
                    &reason,
                    toolreg_store::time::now(),
                )?;
                let versions = verdict_version::list_for_assessment(conn, id)?;
                Ok(public_body(a, versions))
            },
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}
