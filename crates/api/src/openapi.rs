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
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "events", description = "The event log, as CloudEvents"),
        (name = "search", description = "Search with typos, Norwegian inflections, synonyms, filters and facets"),
        (name = "subscriptions", description = "Change notifications: webhooks signed by Standard Webhooks, e-mail, deliveries"),
        (name = "inventory", description = "A municipality's own part: the tools its schools use, the local part and acceptance of each national verdict, DPIA screening, overview and record of processing (GDPR art. 30). Private to the organisation's own users and admins"),
        (name = "health", description = "Liveness and readiness"),
    ),
    // Schemas only query parameters refer to are not collected from the
    // handlers' bodies, so they are named here.
    components(schemas(
        crate::problem::Problem,
        toolreg_search::Facet,
        toolreg_search::SortOrder
    )),
    modifiers(&Security)
)]
pub struct ApiDoc;

/// Declares the bearer scheme; per-operation access is added in
/// `document()` once every route has contributed its path.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "JWT with claims sub, org (organisation number), roles (admin, reviewer, vendor, municipality), \
exp, iss, aud. HS256 with the deployment's secret, or RS256/ES256 from the configured JWKS URL.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Mark each operation with who may call it (from `ROUTE_ACCESS`) and, for
/// protected ones, the bearer requirement.
fn annotate_access(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::extensions::ExtensionsBuilder;
    use utoipa::openapi::security::SecurityRequirement;
    for (path, item) in api.paths.paths.iter_mut() {
        let ops = [
            ("GET", item.get.as_mut()),
            ("PUT", item.put.as_mut()),
            ("POST", item.post.as_mut()),
            ("DELETE", item.delete.as_mut()),
            ("PATCH", item.patch.as_mut()),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let Some(who) = crate::access::access_of(method, path) else {
                continue;
            };
            let ext = ExtensionsBuilder::new()
                .add("x-toolreg-access", who.describe())
                .build();
            match op.extensions.as_mut() {
                Some(e) => e.merge(ext),
                None => op.extensions = Some(ext),
            }
            if who != crate::access::Who::Anyone {
                op.security = Some(vec![SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )]);
            }
        }
    }
}

pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The full document, with every registered route, built without a server.
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa_actix_web::AppExt;
    let (_, mut api) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::configure)
        .split_for_parts();
    annotate_access(&mut api);
    // The contract rules work on the JSON form; utoipa reads it back.
    let mut value = serde_json::to_value(&api).expect("utoipa's document serialises");
    crate::contract::complete(&mut value);
    // A failure here is a bug in `contract` (it wrote something that is not
    // OpenAPI), caught by every test that builds the document.
    match serde_json::from_value(value) {
        Ok(doc) => doc,
        Err(e) => panic!("the completed OpenAPI document does not read back: {e}"),
    }
}

/// The document as committed in `openapi/openapi.json`.
pub fn pretty_json() -> String {
    let mut text = document()
        .to_pretty_json()
        .expect("the document serialises");
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

/// One operation of the document, as the request guard and the 405
/// handler need it.
struct DocumentedOperation {
    path: ResourceDef,
    method: &'static str,
    /// Names of the query parameters it declares.
    query: Vec<String>,
}

fn documented_operations() -> &'static [DocumentedOperation] {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::RefOr;
    static OPS: OnceLock<Vec<DocumentedOperation>> = OnceLock::new();
    OPS.get_or_init(|| {
        let mut ops = Vec::new();
        for (pattern, item) in document().paths.paths.iter() {
            let methods: [(&'static str, Option<&Operation>); 5] = [
                ("GET", item.get.as_ref()),
                ("PUT", item.put.as_ref()),
                ("POST", item.post.as_ref()),
                ("DELETE", item.delete.as_ref()),
                ("PATCH", item.patch.as_ref()),
            ];
            for (method, op) in methods {
                let Some(op) = op else { continue };
                let query = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query) => {
                            Some(p.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                ops.push(DocumentedOperation {
                    path: ResourceDef::new(pattern.as_str()),
                    method,
                    query,
                });
            }
        }
        ops
    })
}

/// Methods the document declares for a concrete path, if it knows the path.
pub fn allowed_methods(path: &str) -> Option<Vec<String>> {
    let mut found: Vec<String> = documented_operations()
        .iter()
        .filter(|op| op.path.is_match(path))
        .map(|op| op.method.to_string())
        .collect();
    found.sort();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// The query parameters the document declares for this operation, or
/// `None` when the document does not describe it.
pub fn query_parameters(method: &str, path: &str) -> Option<&'static [String]> {
    documented_operations()
        .iter()
        .find(|op| op.method == method && op.path.is_match(path))
        .map(|op| op.query.as_slice())
}
