//! toolreg-api: the HTTP surface. Handlers read the request, call the
//! store, and shape the response; errors leave through `problem`.

// `Problem` (the error of every handler) is a few strings and a list; it is
// built only on the error path and moved once, so boxing it would cost an
// allocation per error response and buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod access;
pub mod app;
pub mod blocking;
pub mod byte_range;
pub mod caching;
pub mod change_context;
pub mod contract;
pub mod error_pages;
pub mod health;
pub mod json_body;
pub mod json_text;
pub mod limits;
pub mod links;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod query;
pub mod query_timing;
pub mod request_guard;
pub mod response_cache;
pub mod routes;
pub mod state;
pub mod store_problem;
pub mod tool_body;
pub mod tool_path;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

pub use problem::Problem;
pub use state::AppState;

fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    Problem::invalid_input("/path", format!("ugyldig adresse: {err}")).into()
}

/// Register every route and the extractor settings.
pub fn configure(cfg: &mut ServiceConfig) {
    use routes::{
        assessments, documents, drafts, events, inventory, organisations, requirements, search,
        submissions, subprocessors, subscriptions, tools, vendors, verdicts,
    };
    cfg.app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(json_body::payload_config())
        .service(health::healthz)
        .service(health::readyz)
        .service(routes::audit::audit_key)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .service(openapi::openapi_json)
                .service(tools::list_tools)
                .service(tools::create_tool)
                .service(verdicts::verdict_history)
                .service(verdicts::verdict_diff)
                .service(verdicts::get_verdict_version)
                .service(verdicts::verdict_as_of)
                .service(subprocessors::subprocessor_revisions)
                .service(subprocessors::record_subprocessor_revision)
                .service(subprocessors::subprocessor_diff)
                .service(subprocessors::subprocessors)
                .service(tools::data_flows)
                .service(tools::tool_revisions)
                .service(tools::get_tool)
                .service(tools::update_tool)
                .service(vendors::list_vendors)
                .service(vendors::get_vendor)
                .service(vendors::vendor_status)
                .service(inventory::list_inventory)
                .service(inventory::create_entry)
                .service(inventory::get_entry)
                .service(inventory::update_entry)
                .service(inventory::set_local_part)
                .service(inventory::accept)
                .service(inventory::propose)
                .service(inventory::get_screening)
                .service(inventory::put_screening)
                .service(inventory::screening_questions)
                .service(inventory::overview)
                .service(inventory::processing_record_json)
                .service(inventory::processing_record_csv)
                .service(organisations::list_organisations)
                .service(organisations::create_organisation)
                .service(organisations::get_organisation)
                .service(organisations::update_organisation)
                .service(assessments::list_assessments)
                .service(assessments::create_assessment)
                .service(assessments::get_assessment)
                .service(drafts::get_draft)
                .service(drafts::replace_draft)
                .service(drafts::publish)
                .service(assessments::withdraw)
                .service(routes::audit::list_checkpoints)
                .service(routes::audit::list_audit)
                .service(events::list_events)
                .service(search::search)
                .service(search::suggest)
                .service(requirements::get_catalogue)
                .service(requirements::get_answers)
                .service(requirements::put_answers)
                .service(submissions::list_submissions)
                .service(submissions::create_submission)
                .service(submissions::get_submission)
                .service(submissions::revise_submission)
                .service(submissions::comment_submission)
                .service(submissions::triage_submission)
                .service(submissions::open_reassessment)
                .service(documents::list_documents)
                .service(documents::upload_document)
                .service(documents::get_document)
                .service(documents::document_content)
                .service(subscriptions::list_subscriptions)
                .service(subscriptions::create_subscription)
                .service(subscriptions::get_subscription)
                .service(subscriptions::update_subscription)
                .service(subscriptions::delete_subscription)
                .service(subscriptions::pause_subscription)
                .service(subscriptions::resume_subscription)
                .service(subscriptions::rotate_secret)
                .service(subscriptions::send_test)
                .service(subscriptions::list_deliveries)
                .service(subscriptions::redeliver),
        );
}

/// Anything no route matched: 405 with `Allow` when the path exists with
/// other methods, otherwise 404; a problem document either way.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    if let Some(allowed) = openapi::allowed_methods(req.path()) {
        let mut resp = Problem::new(
            actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Metoden er ikke tillatt",
        )
        .detail(format!(
            "{} støtter bare {}.",
            req.path(),
            allowed.join(", ")
        ))
        .instance(req.path())
        .error_response();
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&allowed.join(", ")) {
            resp.headers_mut().insert(actix_web::http::header::ALLOW, v);
        }
        return resp;
    }
    Problem::not_found(format!("Ingen ressurs på {}", req.path()))
        .instance(req.path())
        .error_response()
}
