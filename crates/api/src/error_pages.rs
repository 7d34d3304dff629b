//! Errors actix produces on its own (wrong method, unmatched route, its
//! extractors) arrive without our body; this turns each into a problem
//! document so no client ever sees a bare string. Answers that already
//! carry ours — a problem document, or an error page the web catalogue
//! rendered for people — pass as they are.

use crate::problem::{Problem, PROBLEM_JSON};
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::HttpResponse;

fn is_ours(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON) || v.starts_with("text/html"))
}

fn problem_for(status: StatusCode) -> Problem {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            Problem::new(status, "method-not-allowed", "Metoden er ikke tillatt")
                .detail("Ressursen støtter ikke denne HTTP-metoden.")
        }
        StatusCode::NOT_FOUND => Problem::not_found("Ingen ressurs på denne adressen."),
        StatusCode::PAYLOAD_TOO_LARGE => {
            Problem::new(status, "payload-too-large", "Forespørselen er for stor")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            Problem::new(status, "unsupported-media-type", "Feil innholdstype")
        }
        s if s.is_server_error() => Problem::internal(),
        s => Problem::new(s, "http-error", s.canonical_reason().unwrap_or("Feil")),
    }
}

fn rewrite<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if is_ours(&res) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let path = res.request().path().to_string();
    let allow = res.headers().get(header::ALLOW).cloned();
    let problem = problem_for(status).instance(path);
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
    if let Some(allow) = allow {
        builder.insert_header((header::ALLOW, allow));
    }
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let new = builder.body(BoxBody::new(body));
    let (req, _) = res.into_parts();
    let res: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

pub fn middleware<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(rewrite)
}
