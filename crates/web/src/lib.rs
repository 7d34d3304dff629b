//! The public web catalogue, served by the same binary as the API: pages
//! in Norwegian bokmål for school leaders, teachers, data protection
//! officers and parents — search with facets, a tool's verdict and its
//! grounds, its history and what changed, vendors, and how assessments are
//! made. Server-rendered with compile-time checked templates; every page
//! works without JavaScript, loads nothing from elsewhere, and answers
//! with an ETag (pages built from the store come from the API's response
//! cache).

// As in the API: handlers answer with `Problem`, a few hundred bytes that
// travel once per request; boxing it buys nothing measurable.
#![allow(clippy::result_large_err)]

mod assets;
mod badge;
mod nb;
mod page;
mod pages;
mod subprocessor_tree;

use actix_web::web;

/// Register the catalogue's pages and assets.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(pages::search::start)
        .service(pages::search::search)
        .service(pages::tool::tool_page)
        .service(pages::history::history_page)
        .service(pages::vendor::vendor_page)
        .service(pages::about::about_page)
        .service(pages::processing_record::record_page)
        .service(assets::asset);
}

/// Every page type's path pattern, for the access table and the tests.
pub const PAGES: [&str; 8] = [
    "/",
    "/sok",
    "/verktoy/{slug}",
    "/verktoy/{slug}/historikk",
    "/leverandorer/{id}",
    "/om",
    "/kommuner/{id}/behandlingsprotokoll",
    "/static/{name}",
];
