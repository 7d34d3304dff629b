//! A vendor's page: who it is and its tools with the verdict of each.

use crate::badge::Badge;
use crate::page::{self, Chrome, PageError};
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use toolreg_api::{links, AppState, Problem};
use toolreg_core::organisation::OrganisationKind;
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::read_model;
use toolreg_store::tables::organisation;
use uuid::Uuid;

struct ToolItem {
    name: String,
    href: String,
    badge: Badge,
    summary: String,
}

#[derive(Template)]
#[template(path = "nb/vendor.html")]
struct VendorPage {
    chrome: Chrome,
    name: String,
    org_number: Option<String>,
    country: Option<String>,
    website: Option<String>,
    tools: Vec<ToolItem>,
}

#[get("/leverandorer/{id}")]
pub async fn vendor_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let not_found = || Problem::not_found("Vi fant ikke leverandøren.");
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    page::from_store(&req, &state, move |conn| {
        let vendor = organisation::get(conn, id).map_err(|_| not_found())?;
        if vendor.kind != OrganisationKind::Vendor {
            return Err(not_found());
        }
        let tools = read_model::of_vendor(conn, id)?;
        page::render(&VendorPage {
            chrome: Chrome::new(vendor.name.clone()).with_json(format!("/api/v1/vendors/{id}")),
            org_number: vendor.org_number,
            country: vendor.country.map(|c| crate::nb::country(&c)),
            website: vendor.website,
            tools: tools
                .into_iter()
                .map(|v| {
                    let level = v
                        .current_verdict
                        .as_ref()
                        .map_or(VerdictLevel::NotAssessed, |c| c.content.level);
                    ToolItem {
                        href: links::tool_page(&v.tool.input.slug),
                        badge: Badge::of(level),
                        summary: v
                            .current_verdict
                            .map(|c| c.content.summary)
                            .unwrap_or(v.tool.input.summary),
                        name: v.tool.input.name,
                    }
                })
                .collect(),
            name: vendor.name,
        })
    })
    .await
}
