//! A municipality's own part, under its organisation: the inventory of
//! tools in use, the local part and acceptance of each national verdict,
//! the DPIA screening, the overview and the record of processing. Only the
//! organisation's own municipality users (token `org`) and admins reach
//! it; another municipality, a vendor or a reviewer gets 403.

use super::parse_id;
use crate::access::{require_own_municipality, AsMunicipalityOrAdmin, Caller};
use crate::blocking::with_db;
use crate::caching::{check_if_match, etag_header, etag_of, json_response, CachePolicy, IfMatch};
use crate::json_body::JsonBody;
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use toolreg_core::inventory::{
    AcceptanceInput, InventoryEntryView, InventoryInput, LocalPart, Overview, VerdictRef,
};
use toolreg_core::processing_record::ProcessingRecord;
use toolreg_core::screening::{questionnaire, Questionnaire, ScreeningInput, ScreeningOutcome};
use toolreg_store::tables::{inventory, organisation};
use toolreg_store::{ops, DbConnection};
use uuid::Uuid;

/// The organisation in the path, once the caller may act for it.
fn own(conn: &mut DbConnection, caller: &Caller, raw_org: &str) -> Result<Uuid, Problem> {
    let org = parse_id("id", raw_org)?;
    require_own_municipality(conn, caller, org)?;
    Ok(org)
}

/// The entry as its organisation reads it.
fn entry_view(conn: &mut DbConnection, org: Uuid, id: Uuid) -> Result<InventoryEntryView, Problem> {
    let e = inventory::get(conn, org, id)?;
    Ok(ops::inventory::view(conn, e)?)
}

fn answer(status: StatusCode, view: &InventoryEntryView) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(etag_header(&etag_of(view)))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(view)
}

/// A change to one entry: check the caller, the entry's `If-Match` (the
/// ETag of the entry as read, state included), make the change, and
/// answer with the entry as it now reads.
async fn change_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: (String, String),
    if_match: String,
    change: impl FnOnce(
            &mut DbConnection,
            &toolreg_store::ChangeContext,
            Uuid,
            Uuid,
            i32,
        ) -> Result<(), Problem>
        + Send
        + 'static,
) -> Result<HttpResponse, Problem> {
    let ctx = crate::change_context::of(&req, &caller);
    let view = with_db(&state, move |conn| {
        let org = own(conn, &caller, &path.0)?;
        let id = parse_id("entry_id", &path.1)?;
        let current = entry_view(conn, org, id)?;
        check_if_match(&if_match, &etag_of(&current))?;
        change(conn, &ctx, org, id, current.entry.version)?;
        entry_view(conn, org, id)
    })
    .await?;
    Ok(answer(StatusCode::OK, &view))
}

/// The organisation's inventory: every tool its schools use, with each
/// entry's computed state.
#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Organisation id"), PageParams),
    responses(
        (status = 200, description = "A page of entries, oldest first", body = ListBody<InventoryEntryView>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad id, limit or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/inventory")]
pub async fn list_inventory(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let raw = path.into_inner();
    let body = with_db(&state, move |conn| {
        let org = own(conn, &caller, &raw)?;
        let p = inventory::list(conn, org, &page)?;
        let items = p
            .items
            .into_iter()
            .map(|e| ops::inventory::view(conn, e))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ListBody::from(toolreg_store::Page {
            items,
            next: p.next,
        }))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// Add a tool to the inventory: one from the registry, or a local one
/// described here. The legal basis defaults to GDPR art. 6(1)(e) with the
/// Education Act.
#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Organisation id")),
    request_body(content = InventoryInput, example = json!({
        "tool": {"kind": "registry", "tool_id": "0190f3a2-7c1e-7000-8000-000000000010"},
        "grades": [8, 9, 10],
        "subjects": ["norsk", "samfunnsfag"],
        "purpose": "Samskriving, innlevering og tilbakemelding",
        "data_categories": ["navn", "Feide-identitet", "elevarbeider"],
        "data_subjects": ["pupils", "teachers"],
        "agreement": {"status": "signed", "signed_on": "2025-08-01", "reference": "2025/1234"},
        "owner": "Kommunalsjef oppvekst",
        "status": "in_use",
        "status_since": "2025-08-15"
    })),
    responses(
        (status = 201, description = "Added", body = InventoryEntryView, headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The tool is already in the inventory", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a tool not in the registry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{id}/inventory")]
pub async fn create_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
    body: JsonBody<InventoryInput>,
) -> Result<HttpResponse, Problem> {
    let raw = path.into_inner();
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let view = with_db(&state, move |conn| {
        let org = own(conn, &caller, &raw)?;
        let e = ops::inventory::create(conn, &ctx, Uuid::now_v7(), org, &input)?;
        Ok(ops::inventory::view(conn, e)?)
    })
    .await?;
    let mut resp = answer(StatusCode::CREATED, &view);
    if let Ok(location) = header::HeaderValue::from_str(&format!(
        "/api/v1/organisations/{}/inventory/{}",
        view.entry.organisation_id, view.entry.id
    )) {
        resp.headers_mut().insert(header::LOCATION, location);
    }
    Ok(resp)
}

/// One entry, with its state and, when the national verdict changed since
/// the acceptance, the diff between the accepted version and the one in
/// force.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
    ),
    responses(
        (status = 200, description = "The entry", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry in this organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/inventory/{entry_id}")]
pub async fn get_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (raw_org, raw_id) = path.into_inner();
    let view = with_db(&state, move |conn| {
        let org = own(conn, &caller, &raw_org)?;
        let id = parse_id("entry_id", &raw_id)?;
        entry_view(conn, org, id)
    })
    .await?;
    Ok(json_response(&req, &view, CachePolicy::Revalidate))
}

/// Replace what the organisation says about its use of the tool. Needs
/// `If-Match`.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the entry as last read"),
    ),
    request_body = InventoryInput,
    responses(
        (status = 200, description = "Updated", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The new registry tool is already listed", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or another tool than before", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/organisations/{id}/inventory/{entry_id}")]
pub async fn update_entry(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<InventoryInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    change_entry(
        req,
        state,
        caller,
        path.into_inner(),
        if_match,
        move |conn, ctx, org, id, v| {
            ops::inventory::update(conn, ctx, org, id, &input, Some(v))?;
            Ok(())
        },
    )
    .await
}

/// Replace the local part: a status (done, not done, not applicable) for
/// conditions of the verdict in force, by the `key` the entry shows for
/// each; local settings; local risks scored likelihood × consequence.
/// Needs `If-Match`.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the entry as last read"),
    ),
    request_body = LocalPart,
    responses(
        (status = 200, description = "Updated", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a condition not in the verdict in force", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/organisations/{id}/inventory/{entry_id}/local-part")]
pub async fn set_local_part(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<LocalPart>,
) -> Result<HttpResponse, Problem> {
    let local = body.0;
    change_entry(
        req,
        state,
        caller,
        path.into_inner(),
        if_match,
        move |conn, ctx, org, id, v| {
            ops::inventory::set_local_part(conn, ctx, org, id, &local, Some(v))?;
            Ok(())
        },
    )
    .await
}

/// The controller accepts the verdict in force for local use: who (name
/// and role), and which version. Every condition must have a local status
/// first. Needs `If-Match`.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the entry as last read"),
    ),
    request_body = AcceptanceInput,
    responses(
        (status = 200, description = "Accepted", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the version in force, or conditions without a local status", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{id}/inventory/{entry_id}/acceptance")]
pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<AcceptanceInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    change_entry(
        req,
        state,
        caller,
        path.into_inner(),
        if_match,
        move |conn, ctx, org, id, v| {
            ops::inventory::accept(conn, ctx, org, id, &input, Some(v))?;
            Ok(())
        },
    )
    .await
}

/// Propose the entry's local tool to the national reviewers, who hear of
/// it privately (with the municipality's name and the use). Once per
/// entry. Needs `If-Match`.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the entry as last read"),
    ),
    responses(
        (status = 200, description = "Proposed", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A registry tool, or proposed already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{id}/inventory/{entry_id}/proposal")]
pub async fn propose(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
    IfMatch(if_match): IfMatch,
) -> Result<HttpResponse, Problem> {
    change_entry(
        req,
        state,
        caller,
        path.into_inner(),
        if_match,
        move |conn, ctx, org, id, v| {
            ops::inventory::propose(conn, ctx, org, id, Some(v))?;
            Ok(())
        },
    )
    .await
}

/// A screening as read: the stored one, or a proposal from the registry's
/// facts that is not saved until it is sent back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScreeningView {
    /// Whether these are the organisation's saved answers; false: a
    /// proposal pre-filled from the registry, to be checked and saved.
    pub stored: bool,
    pub answers: ScreeningInput,
    pub outcome: ScreeningOutcome,
    pub screened_at: Option<DateTime<Utc>>,
    pub screened_by: Option<String>,
    /// The verdict whose facts pre-filled the proposal.
    pub prefilled_from: Option<VerdictRef>,
}

/// The entry's screening: is personal data processed, is a DPIA required.
/// Without a saved one, the answers the registry's facts support.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
    ),
    responses(
        (status = 200, description = "The screening or a proposal", body = ScreeningView, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/inventory/{entry_id}/screening")]
pub async fn get_screening(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (raw_org, raw_id) = path.into_inner();
    let view = with_db(&state, move |conn| {
        let org = own(conn, &caller, &raw_org)?;
        let id = parse_id("entry_id", &raw_id)?;
        let e = inventory::get(conn, org, id)?;
        let (answers, prefilled_from) = ops::inventory::screening_draft(conn, &e)?;
        Ok(ScreeningView {
            stored: e.screening.is_some(),
            outcome: answers.outcome(),
            answers,
            screened_at: e.screening.as_ref().map(|s| s.screened_at),
            screened_by: e.screening.map(|s| s.screened_by),
            prefilled_from,
        })
    })
    .await?;
    Ok(json_response(&req, &view, CachePolicy::Revalidate))
}

/// Save a screening (again): the outcome and its reasons are computed
/// from the answers. Needs `If-Match` with the entry's ETag.
#[utoipa::path(
    tag = "inventory",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("entry_id" = Uuid, Path, description = "Entry id"),
        ("If-Match" = String, Header, description = "ETag of the entry as last read"),
    ),
    request_body = ScreeningInput,
    responses(
        (status = 200, description = "Saved; the entry now holds it", body = InventoryEntryView, headers(("ETag" = String))),
        (status = 400, description = "Malformed body or id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/organisations/{id}/inventory/{entry_id}/screening")]
pub async fn put_screening(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<(String, String)>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<ScreeningInput>,
) -> Result<HttpResponse, Problem> {
    let answers = body.0;
    change_entry(
        req,
        state,
        caller,
        path.into_inner(),
        if_match,
        move |conn, ctx, org, id, v| {
            ops::inventory::screen(conn, ctx, org, id, &answers, Some(v))?;
            Ok(())
        },
    )
    .await
}

/// The screening questions and criteria, with their explanations in
/// Norwegian.
#[utoipa::path(
    tag = "inventory",
    responses((status = 200, description = "The questionnaire", body = Questionnaire, headers(("ETag" = String))))
)]
#[get("/screening-questions")]
pub async fn screening_questions(req: HttpRequest) -> HttpResponse {
    json_response(&req, &questionnaire(), CachePolicy::Revalidate)
}

/// Counts over the inventory: entries in use by state, without a data
/// processing agreement, unscreened, needing a DPIA; conditions not done;
/// tools used without a national verdict.
#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The overview", body = Overview, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/overview")]
pub async fn overview(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let raw = path.into_inner();
    let body = with_db(&state, move |conn| {
        let org = own(conn, &caller, &raw)?;
        let views = ops::inventory::views_of(conn, org)?;
        Ok(Overview::of(org, &views))
    })
    .await?;
    Ok(json_response(&req, &body, CachePolicy::Revalidate))
}

/// The record, built from the organisation's inventory as it is now.
pub fn processing_record(conn: &mut DbConnection, org: Uuid) -> Result<ProcessingRecord, Problem> {
    let organisation = organisation::get(conn, org)?;
    let views = ops::inventory::views_of(conn, org)?;
    Ok(ProcessingRecord::of(
        &organisation,
        &views,
        chrono::Utc::now(),
    ))
}

/// The record of the organisation in the path, for a caller acting for it.
async fn own_record(
    state: &web::Data<AppState>,
    caller: Caller,
    raw_org: String,
) -> Result<ProcessingRecord, Problem> {
    with_db(state, move |conn| {
        let org = own(conn, &caller, &raw_org)?;
        processing_record(conn, org)
    })
    .await
}

/// The record of processing activities (GDPR art. 30) for learning tools:
/// one activity per tool in use, with the national verdict and the local
/// acceptance.
#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The record", body = ProcessingRecord),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/processing-record")]
pub async fn processing_record_json(
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let record = own_record(&state, caller, path.into_inner()).await?;
    // Generated at each request (it carries the time), so no ETag.
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(record))
}

/// The same record as CSV: UTF-8 with a byte order mark, `;` between
/// fields, a header row, one row per activity.
#[utoipa::path(
    tag = "inventory",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The record as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not this organisation's user", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}/processing-record.csv")]
pub async fn processing_record_csv(
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let record = own_record(&state, caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"behandlingsprotokoll.csv\"",
        ))
        .content_type("text/csv; charset=utf-8; header=present")
        .body(record.to_csv()))
}
