//! Submissions: a vendor sends facts for its own tools (a new tool, product
//! facts, the full subprocessor list), a reviewer triages them, both
//! comment. A vendor sees only its own (another's is 404); reviewers and
//! admins see all. Accepting applies the submission.

use super::parse_id;
use crate::access::{
    acting_org, forbidden_because, AsReviewerAdminOrVendor, AsReviewerOrAdmin, AsVendor, Caller,
};
use crate::blocking::with_db;
use crate::caching::{etag_header, etag_of, json_response, CachePolicy};
use crate::json_body::JsonBody;
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::query::QueryParams;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use toolreg_auth::Role;
use toolreg_core::submission::{
    Party, Submission, SubmissionInput, SubmissionStatus, SubprocessorReview,
};
use toolreg_core::{Validate, Violations};
use toolreg_store::tables::submission;
use toolreg_store::{ops, DbConnection};
use uuid::Uuid;

/// A submission and, for a subprocessor list, how it compares with the
/// tool's current list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    #[serde(flatten)]
    pub submission: Submission,
    /// For a subprocessor list: the diff against the tool's current list,
    /// new third countries and entries with an unknown transfer mechanism.
    pub review: Option<SubprocessorReview>,
}

fn view(conn: &mut DbConnection, s: Submission) -> Result<SubmissionView, Problem> {
    let review = ops::submission::review(conn, &s)?;
    Ok(SubmissionView {
        submission: s,
        review,
    })
}

/// The vendor organisation whose submissions the caller sees: its own for
/// a vendor, all (`None`) for reviewers and admins.
fn scope_of(conn: &mut DbConnection, caller: &Caller) -> Result<Option<Uuid>, Problem> {
    let p = &caller.principal;
    if p.has(Role::Admin) || p.has(Role::Reviewer) {
        return Ok(None);
    }
    Ok(Some(acting_org(conn, caller, Role::Vendor)?.id))
}

fn visible(conn: &mut DbConnection, caller: &Caller, id: Uuid) -> Result<Submission, Problem> {
    let not_found = || Problem::not_found(format!("Fant ikke innsendingen {id}."));
    let scope = scope_of(conn, caller)?;
    let s = submission::get(conn, id).map_err(|_| not_found())?;
    match scope {
        Some(org) if org != s.vendor_org_id => Err(not_found()),
        _ => Ok(s),
    }
}

/// Reviewers act on submissions for a registered reviewing organisation.
fn registered_reviewer(conn: &mut DbConnection, caller: &Caller) -> Result<(), Problem> {
    acting_org(conn, caller, Role::Reviewer)
        .map(|_| ())
        .map_err(|_| {
            forbidden_because(
                "Bare vurderere i en registrert vurderingsorganisasjon behandler innsendinger.",
            )
        })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionFilter {
    /// Only submissions in this status (e.g. `submitted` for the triage
    /// queue).
    pub status: Option<SubmissionStatus>,
}

/// Submissions, newest first: a vendor's own, or all for reviewers and
/// admins.
#[utoipa::path(
    tag = "submissions",
    params(SubmissionFilter, PageParams),
    responses(
        (status = 200, description = "A page of submissions", body = ListBody<Submission>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions")]
pub async fn list_submissions(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewerAdminOrVendor(caller): AsReviewerAdminOrVendor,
    filter: QueryParams<SubmissionFilter>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let status = filter.status;
    let body = with_db(&state, move |conn| {
        let scope = scope_of(conn, &caller)?;
        let p = submission::list(conn, scope, status, &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// Send facts for triage: a new tool (`tool_proposal`), a tool's product
/// facts, or its full subprocessor list (compared with the current one in
/// the answer).
#[utoipa::path(
    tag = "submissions",
    request_body = SubmissionInput,
    responses(
        (status = 201, description = "Submitted", body = SubmissionView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another vendor's tool", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions")]
pub async fn create_submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsVendor(caller): AsVendor,
    body: JsonBody<SubmissionInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let created = with_db(&state, move |conn| {
        let vendor = acting_org(conn, &caller, Role::Vendor)?.id;
        let s = ops::submission::create(conn, &ctx, Uuid::now_v7(), vendor, &input)?;
        view(conn, s)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/submissions/{}", created.submission.id),
        ))
        .insert_header(etag_header(&etag_of(&created)))
        .json(created))
}

/// One submission with its thread (and, for a list, the comparison).
#[utoipa::path(
    tag = "submissions",
    params(("id" = Uuid, Path, description = "The submission's id")),
    responses(
        (status = 200, description = "The submission", body = SubmissionView, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or another vendor's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions/{id}")]
pub async fn get_submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewerAdminOrVendor(caller): AsReviewerAdminOrVendor,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let v = with_db(&state, move |conn| {
        let s = visible(conn, &caller, id)?;
        view(conn, s)
    })
    .await?;
    Ok(json_response(&req, &v, CachePolicy::Revalidate))
}

/// The vendor sends a new version after the reviewer asked for changes.
#[utoipa::path(
    tag = "submissions",
    params(("id" = Uuid, Path, description = "The submission's id")),
    request_body = SubmissionInput,
    responses(
        (status = 200, description = "Submitted again", body = SubmissionView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or another vendor's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No changes were asked for, or another vendor's tool", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/submissions/{id}")]
pub async fn revise_submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsVendor(caller): AsVendor,
    path: web::Path<String>,
    body: JsonBody<SubmissionInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let v = with_db(&state, move |conn| {
        visible(conn, &caller, id)?;
        let s = ops::submission::revise(conn, &ctx, id, &input)?;
        view(conn, s)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(&etag_of(&v)))
        .json(v))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    pub text: String,
}

impl Validate for CommentInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.require_text(
            &format!("{p}/text"),
            &self.text,
            toolreg_core::caps::COMMENT,
        );
    }
}

/// Add to the thread, as the vendor or as a reviewer.
#[utoipa::path(
    tag = "submissions",
    params(("id" = Uuid, Path, description = "The submission's id")),
    request_body = CommentInput,
    responses(
        (status = 200, description = "The submission with the comment", body = SubmissionView),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission, or another vendor's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Accepted or rejected already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/comments")]
pub async fn comment_submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewerAdminOrVendor(caller): AsReviewerAdminOrVendor,
    path: web::Path<String>,
    body: JsonBody<CommentInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let text = body.0.text;
    let ctx = crate::change_context::of(&req, &caller);
    let v = with_db(&state, move |conn| {
        visible(conn, &caller, id)?;
        let p = &caller.principal;
        let party = if p.has(Role::Admin) {
            Party::Reviewer
        } else if p.has(Role::Reviewer) {
            registered_reviewer(conn, &caller)?;
            Party::Reviewer
        } else {
            Party::Vendor
        };
        let s = ops::submission::add_comment(conn, &ctx, id, party, &text)?;
        view(conn, s)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// `in_triage`, `changes_requested`, `accepted` or `rejected`.
    pub status: SubmissionStatus,
    /// Why, for the vendor (asked-for changes need one).
    #[serde(default)]
    pub comment: String,
}

impl Validate for TriageInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        if self.status == SubmissionStatus::ChangesRequested {
            out.require_text(
                &format!("{p}/comment"),
                &self.comment,
                toolreg_core::caps::COMMENT,
            );
        } else if self.comment.chars().count() > toolreg_core::caps::COMMENT {
            out.push(
                format!("{p}/comment"),
                format!("kan være høyst {} tegn", toolreg_core::caps::COMMENT),
            );
        }
    }
}

/// A reviewer moves a submission on. Accepting applies it: a proposal
/// becomes a tool, product facts update the tool, a subprocessor list
/// becomes the tool's next revision (and its `subprocessors.changed`
/// event).
#[utoipa::path(
    tag = "submissions",
    params(("id" = Uuid, Path, description = "The submission's id")),
    request_body = TriageInput,
    responses(
        (status = 200, description = "Moved on", body = SubmissionView),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a move triage can make from here", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or what it would apply is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/triage")]
pub async fn triage_submission(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsReviewerOrAdmin(caller): AsReviewerOrAdmin,
    path: web::Path<String>,
    body: JsonBody<TriageInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let v = with_db(&state, move |conn| {
        if !caller.principal.has(Role::Admin) {
            registered_reviewer(conn, &caller)?;
        }
        let s = ops::submission::triage(conn, &ctx, id, input.status, &input.comment)?;
        view(conn, s)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Open a re-assessment from a submission: the draft of the caller's
/// organisation's newest published assessment of the tool, with the
/// tool's current subprocessor list as the one reviewed and a change note
/// naming the submission. Edit and publish it as any draft.
#[utoipa::path(
    tag = "submissions",
    params(("id" = Uuid, Path, description = "The submission's id")),
    responses(
        (status = 200, description = "The assessment with its new draft", body = toolreg_core::assessment::Assessment),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No published assessment of the tool by the caller's organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/reassessment")]
pub async fn open_reassessment(
    req: HttpRequest,
    state: web::Data<AppState>,
    crate::access::AsReviewer(caller): crate::access::AsReviewer,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let ctx = crate::change_context::of(&req, &caller);
    let a = with_db(&state, move |conn| {
        let org = acting_org(conn, &caller, Role::Reviewer)?;
        Ok(ops::submission::reassessment_draft(conn, &ctx, id, org.id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(a))
}
