//! The OpenAPI 3.1 document: routes contribute their own paths (through
//! utoipa-actix-web), this adds what is global.

use actix_web::dev::ResourceDef;
use actix_web::{get, HttpRequest, HttpResponse};
use std::sync::OnceLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "toolreg – Nasjonalt register over vurderte læringsverktøy",
        description = "National registry of assessed learning tools for Norwegian schools: tools, vendors, \
assessments and versioned verdicts. Field names are English; text for people is Norwegian bokmål. \
Errors are RFC 9457 problem details (application/problem+json). Lists take `limit` (1–200, default 50) \
and an opaque `cursor`, and return `items` and `next_cursor` plus a `Link: rel=\"next\"` header. \
Every GET has an ETag; updates require If-Match (412 when stale, 428 when missing). \
Published verdict versions are immutable and cacheable forever.",
        version = env!("CARGO_PKG_VERSION"),
        license(name = "MIT OR Apache-2.0"),
    ),
    tags(
        (name = "tools", description = "Learning tools"),
        (name = "verdicts", description = "Versioned verdicts: history, as of a time, diffs"),
        (name = "subprocessors", description = "Subprocessor chains and their revisions"),
        (name = "vendors", description = "Vendors and their tools"),
        (name = "organisations", description = "Municipalities, reviewers, vendors and others"),
        (name = "assessments", description = "Assessments, drafts, publishing and withdrawal"),
        (name = "health", description = "Liveness and readiness"),
    ),
    components(schemas(crate::problem::Problem))
)]
pub struct ApiDoc;

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The full document, with every registered route, built without a server.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::configure)
        .split_for_parts();
    api
}

/// The document as committed in `openapi/openapi.json`.
pub fn pretty_json() -> String {
    let mut text = document().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

fn cached_json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| pretty_json().into_bytes())
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
#[get("/openapi.json")]
pub async fn openapi_json(req: HttpRequest) -> HttpResponse {
    let body = cached_json().to_vec();
    let etag = crate::caching::etag_of_bytes(&body);
    crate::caching::respond(&req, body, etag, crate::caching::CachePolicy::Revalidate)
}

/// Methods the document declares for a concrete path, if it knows the path.
pub fn allowed_methods(path: &str) -> Option<Vec<String>> {
    static ROUTES: OnceLock<Vec<(ResourceDef, Vec<String>)>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        document()
            .paths
            .paths
            .iter()
            .map(|(pattern, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter(|(_, has)| *has)
                .map(|(m, _)| m.to_string())
                .collect();
                (ResourceDef::new(pattern.as_str()), methods)
            })
            .collect()
    });
    let mut found: Vec<String> = routes
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .flat_map(|(_, m)| m.iter().cloned())
        .collect();
    found.sort();
    found.dedup();
    (!found.is_empty()).then_some(found)
}
