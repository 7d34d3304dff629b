//! The whole HTTP application — routes, Swagger UI, and every middleware in
//! its order — built in one place, so the server runs exactly what the
//! in-process tests exercise.

use crate::openapi::OPENAPI_PATH;
use crate::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{middleware, web, App};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_swagger_ui::SwaggerUi;

/// Headers every response carries: no MIME sniffing, no framing (also
/// Swagger UI), no referrer leaking paths to other sites.
fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// The application over `state`; `extra` may register more services first
/// (the server's benchmark ceiling route).
pub fn build(
    state: web::Data<AppState>,
    extra: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .configure(extra)
        .configure(|cfg| crate::configure(&mut ServiceConfig::new(cfg)))
        // The document is served by the API at OPENAPI_PATH; Swagger UI
        // (assets compiled in, no CDN) only points at it.
        .service(
            SwaggerUi::new("/docs/{_:.*}").config(utoipa_swagger_ui::Config::new([OPENAPI_PATH])),
        )
        .service(web::redirect("/docs", "/docs/"))
        .service(crate::routes::feeds::all)
        .service(crate::routes::feeds::by_severity)
        .service(crate::routes::feeds::by_tool)
        .default_service(web::to(crate::not_found))
        .wrap(middleware::from_fn(crate::request_guard::guard))
        .wrap(middleware::from_fn(crate::access::authenticate))
        .wrap(crate::error_pages::middleware())
        .wrap(middleware::from_fn(crate::query_timing::tally))
        .wrap(
            middleware::Logger::new("%{request}xi %s %b %Dms")
                .custom_request_replace("request", |req| {
                    crate::request_guard::loggable_request_line(
                        req.method().as_str(),
                        req.path(),
                        req.query_string(),
                    )
                })
                .log_target("toolreg::http"),
        )
        // Outermost, so problem pages rewritten by `error_pages` carry them too.
        .wrap(security_headers())
}
