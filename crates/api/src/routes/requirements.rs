//! The requirement catalogue (public) and a tool's answers to it: its own
//! vendor answers, for its own organisation's tools; municipalities,
//! reviewers and admins read them (they are what a buyer asks a vendor
//! for, not for everyone).

use crate::access::{require_own_vendor, AsTrustedReader, AsVendor, Caller};
use crate::blocking::with_db;
use crate::caching::{etag_header, etag_of, json_response, CachePolicy};
use crate::json_body::JsonBody;
use crate::problem::Problem;
use crate::query::QueryParams;
use crate::state::AppState;
use crate::tool_path::ToolPath;
use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use toolreg_auth::Role;
use toolreg_core::requirement::{catalogue, AnswerSet, AnswersInput, Catalogue};
use toolreg_store::{ops, DbConnection};
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueQuery {
    /// A catalogue version; the newest when left out.
    pub version: Option<i32>,
}

fn catalogue_or_404(version: Option<i32>) -> Result<&'static Catalogue, Problem> {
    catalogue(version).ok_or_else(|| {
        Problem::not_found(format!(
            "Kravkatalogen har ingen versjon {}.",
            version.unwrap_or_default()
        ))
    })
}

/// The common security and privacy requirements vendors answer.
#[utoipa::path(
    tag = "requirements",
    params(CatalogueQuery),
    responses(
        (status = 200, description = "The catalogue", body = Catalogue, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad version", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requirements")]
pub async fn get_catalogue(
    req: HttpRequest,
    query: QueryParams<CatalogueQuery>,
) -> Result<HttpResponse, Problem> {
    let c = catalogue_or_404(query.version)?;
    Ok(json_response(&req, &c, CachePolicy::Revalidate))
}

/// A vendor reads only its own tools' answers; municipalities, reviewers
/// and admins read every tool's.
fn may_read_answers(
    conn: &mut DbConnection,
    caller: &Caller,
    vendor_id: Uuid,
) -> Result<(), Problem> {
    let p = &caller.principal;
    if p.has(Role::Admin) || p.has(Role::Reviewer) || p.has(Role::Municipality) {
        return Ok(());
    }
    may_answer(conn, caller, vendor_id)
}

/// Only the tool's own vendor answers for it.
fn may_answer(conn: &mut DbConnection, caller: &Caller, vendor_id: Uuid) -> Result<(), Problem> {
    require_own_vendor(
        conn,
        caller,
        vendor_id,
        "Verktøyet tilhører en annen leverandør.",
    )
}

/// A tool's answers to one catalogue version (the newest by default), and
/// the requirements still unanswered.
#[utoipa::path(
    tag = "requirements",
    params(ToolPath, CatalogueQuery),
    responses(
        (status = 200, description = "The answers", body = AnswerSet, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad version", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor's tool", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tool or catalogue version", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/requirement-answers")]
pub async fn get_answers(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsTrustedReader(caller): AsTrustedReader,
    tool: ToolPath,
    query: QueryParams<CatalogueQuery>,
) -> Result<HttpResponse, Problem> {
    let c = catalogue_or_404(query.version)?;
    let set = with_db(&state, move |conn| {
        let t = tool.load(conn)?;
        may_read_answers(conn, &caller, t.input.vendor_id)?;
        Ok(ops::requirements::answers_of(conn, t.id.into(), c)?)
    })
    .await?;
    Ok(json_response(&req, &set, CachePolicy::Revalidate))
}

/// The vendor's whole set of answers for one catalogue version: what is
/// left out is unanswered. Answers to other versions stay as they were.
#[utoipa::path(
    tag = "requirements",
    params(ToolPath),
    request_body(content = AnswersInput, example = json!({
        "catalogue_version": 1,
        "answers": [
            {"requirement_id": "TS-11", "answer": "yes", "comment": "Varsel innen 24 timer, se avtalen punkt 9."},
            {"requirement_id": "TS-27", "answer": "no", "comment": "Anonymiserte bruksdata brukes til å forbedre anbefalinger."}
        ]
    })),
    responses(
        (status = 200, description = "Recorded", body = AnswerSet, headers(("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the tool's vendor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or repeated requirements, evidence that is not the vendor's own document", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/tools/{id_or_slug}/requirement-answers")]
pub async fn put_answers(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsVendor(caller): AsVendor,
    tool: ToolPath,
    body: JsonBody<AnswersInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let c = catalogue(Some(input.catalogue_version)).ok_or_else(|| {
        Problem::invalid_input(
            "/catalogue_version",
            format!(
                "kravkatalogen har ingen versjon {}",
                input.catalogue_version
            ),
        )
    })?;
    let ctx = crate::change_context::of(&req, &caller);
    let set = with_db(&state, move |conn| {
        let t = tool.load(conn)?;
        may_answer(conn, &caller, t.input.vendor_id)?;
        Ok(ops::requirements::answer(
            conn,
            &ctx,
            t.id.into(),
            &input,
            c,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(&etag_of(&set)))
        .json(set))
}
