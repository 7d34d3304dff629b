//! An assessment's draft: read it with its ETag, replace it, and publish it
//! as the next immutable verdict version (four eyes by default).

use super::parse_id;
use crate::access::{may_review, AsReviewer};
use crate::blocking::with_db;
use crate::caching::IfMatch;
use crate::json_body::JsonBody;
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use toolreg_core::assessment::Assessment;
use toolreg_core::verdict::{VerdictDraft, VerdictVersion};
use toolreg_store::ops;
use toolreg_store::tables::{assessment, verdict_version};
use uuid::Uuid;

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
    let ctx = crate::change_context::of(&req, &caller);
    let body = with_db(&state, move |conn| {
        let current = assessment::get(conn, id)?;
        may_review(conn, &caller, current.reviewer_org_id)?;
        let a = ops::assessment::replace_draft(conn, &ctx, id.into(), &draft, Some(expected))?;
        draft_body(conn, &a)
    })
    .await?;
    Ok(draft_response(&body))
}

fn four_eyes_problem() -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "four-eyes", "En annen må publisere").detail(
        "Du var den siste som endret utkastet. En annen vurderer må kontrollere og publisere det.",
    )
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
    let ctx = crate::change_context::of(&req, &caller);
    let (version, tool) = with_db(&state, move |conn| {
        let current = assessment::get(conn, id)?;
        may_review(conn, &caller, current.reviewer_org_id)?;
        // Four eyes: whoever edited the draft last may not also publish it.
        // A later edit by someone else changes the draft revision, which
        // the store's compare-and-set on `expected` catches.
        if four_eyes && current.draft_updated_by.as_deref() == Some(caller.sub()) {
            return Err(four_eyes_problem());
        }
        let version =
            ops::assessment::publish(conn, &ctx, id.into(), Uuid::now_v7(), Some(expected))?;
        let tool = current
            .tool_ids
            .first()
            .copied()
            .expect("an assessment covers at least one tool (validated at creation)");
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
