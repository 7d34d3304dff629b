//! Vendors: organisations of kind vendor, with their tools.

use super::parse_id;
use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use toolreg_core::organisation::{Organisation, OrganisationKind};
use toolreg_store::tables::organisation;
use toolreg_store::tables::tool;
use uuid::Uuid;

/// Vendors by name.
#[utoipa::path(
    tag = "vendors",
    params(PageParams),
    responses(
        (status = 200, description = "A page of vendors", body = ListBody<Organisation>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors")]
pub async fn list_vendors(
    req: HttpRequest,
    state: web::Data<AppState>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let body = with_db(&state, move |conn| {
        let p = organisation::list(conn, Some(OrganisationKind::Vendor), &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ToolRef {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VendorBody {
    #[serde(flatten)]
    pub organisation: Organisation,
    pub tools: Vec<ToolRef>,
}

/// One vendor and its tools.
#[utoipa::path(
    tag = "vendors",
    params(("id" = Uuid, Path, description = "Vendor organisation id")),
    responses(
        (status = 200, description = "The vendor", body = VendorBody, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors/{id}")]
pub async fn get_vendor(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let body = with_db(&state, move |conn| {
        let org = organisation::get(conn, id)?;
        if org.kind != OrganisationKind::Vendor {
            return Err(Problem::not_found("Organisasjonen er ikke en leverandør."));
        }
        let tools = tool::of_vendor(conn, id)?
            .into_iter()
            .map(|t| ToolRef {
                id: t.id,
                slug: t.input.slug,
                name: t.input.name,
            })
            .collect();
        Ok(VendorBody {
            organisation: org,
            tools,
        })
    })
    .await?;
    Ok(json_response(&req, &body, CachePolicy::Revalidate))
}

/// What the registry still lacks from a vendor, per tool: no data
/// processing agreement, certificates expired or expiring within 30 days,
/// unanswered requirements or ones answered "no" (newest catalogue), a
/// subprocessor list missing or more than a year old. For reviewers,
/// admins and the vendor itself.
#[utoipa::path(
    tag = "vendors",
    params(("id" = Uuid, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The vendor's obligations", body = toolreg_core::vendor_status::VendorStatus, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another vendor", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vendor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/vendors/{id}/status")]
pub async fn vendor_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    crate::access::AsReviewerAdminOrVendor(caller): crate::access::AsReviewerAdminOrVendor,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    use toolreg_auth::Role;
    let id = parse_id("id", &path)?;
    let catalogue = toolreg_core::requirement::catalogue(None).ok_or_else(Problem::internal)?;
    let status = with_db(&state, move |conn| {
        let p = &caller.principal;
        if !(p.has(Role::Admin) || p.has(Role::Reviewer)) {
            crate::access::require_own_vendor(
                conn,
                &caller,
                id,
                "En leverandør ser bare sin egen status.",
            )?;
        }
        let org = organisation::get(conn, id)?;
        if org.kind != OrganisationKind::Vendor {
            return Err(Problem::not_found(format!("{id} er ikke en leverandør.")));
        }
        Ok(toolreg_store::ops::vendor_status::of(
            conn,
            id,
            catalogue,
            toolreg_store::time::now(),
        )?)
    })
    .await?;
    // Computed against the clock (`checked_at`): revalidated every time.
    Ok(json_response(&req, &status, CachePolicy::Revalidate))
}
