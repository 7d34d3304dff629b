//! Organisations: create, read, update, list.

use super::parse_id;
use crate::access::AsAdmin;
use crate::blocking::with_db;
use crate::caching::{check_if_match, etag_header, etag_of, json_response, CachePolicy, IfMatch};
use crate::json_body::JsonBody;
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use toolreg_core::ids::OrganisationId;
use toolreg_core::organisation::{Organisation, OrganisationInput, OrganisationKind};
use toolreg_store::ops;
use toolreg_store::tables::organisation;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganisationQuery {
    pub kind: Option<OrganisationKind>,
}

/// List organisations by name.
#[utoipa::path(
    tag = "organisations",
    params(OrganisationQuery, PageParams),
    responses(
        (status = 200, description = "A page of organisations", body = ListBody<Organisation>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list_organisations(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: crate::query::QueryParams<OrganisationQuery>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let body = with_db(&state, move |conn| {
        let p = organisation::list(conn, q.kind, &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// One organisation.
#[utoipa::path(
    tag = "organisations",
    params(("id" = Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = Organisation, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{id}")]
pub async fn get_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let org = with_db(&state, move |conn| Ok(organisation::get(conn, id)?)).await?;
    Ok(json_response(&req, &org, CachePolicy::Revalidate))
}

/// Register an organisation.
#[utoipa::path(
    tag = "organisations",
    request_body(content = OrganisationInput, example = json!({
        "kind": "municipality", "name": "Bergen kommune", "org_number": "964338531",
        "municipality_number": "4601", "country": "NO"
    })),
    responses(
        (status = 201, description = "Created", body = Organisation, headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Organisation number taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsAdmin(caller): AsAdmin,
    body: JsonBody<OrganisationInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let org = with_db(&state, move |conn| {
        Ok(ops::organisation::create(
            conn,
            &ctx,
            OrganisationId::new_v7(),
            &input,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/organisations/{}", org.id),
        ))
        .insert_header(etag_header(&etag_of(&org)))
        .json(org))
}

/// Replace an organisation. Needs `If-Match`.
#[utoipa::path(
    tag = "organisations",
    params(
        ("id" = Uuid, Path, description = "Organisation id"),
        ("If-Match" = String, Header, description = "ETag of the organisation as last read"),
    ),
    request_body = OrganisationInput,
    responses(
        (status = 200, description = "Updated", body = Organisation, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Organisation number taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/organisations/{id}")]
pub async fn update_organisation(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsAdmin(caller): AsAdmin,
    path: web::Path<String>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<OrganisationInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let org = with_db(&state, move |conn| {
        let current = organisation::get(conn, id)?;
        check_if_match(&if_match, &etag_of(&current))?;
        Ok(ops::organisation::update(
            conn,
            &ctx,
            id.into(),
            &input,
            Some(current.revision),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(&etag_of(&org)))
        .json(org))
}
