//! Wiring the HTTP service.

use crate::config::Config;
use crate::database::StartError;
use actix_web::{middleware, web, App, HttpServer};
use std::time::Duration;
use toolreg_api::openapi::OPENAPI_PATH;
use toolreg_api::AppState;
use toolreg_store::DbPool;
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

/// Sign the head of the audit chain now and then every `interval`, on a
/// thread of its own (diesel is synchronous). A failure is logged and tried
/// again next time; it never stops the service.
fn spawn_checkpoints(
    pool: DbPool,
    signer: toolreg_core::checkpoint::CheckpointSigner,
    interval: Duration,
) {
    std::thread::Builder::new()
        .name("audit-checkpoints".into())
        .spawn(move || loop {
            let made = pool
                .get()
                .map_err(toolreg_store::StoreError::from)
                .and_then(|mut conn| {
                    toolreg_store::ops::checkpoint::make(
                        &mut conn,
                        &signer,
                        toolreg_store::time::now(),
                    )
                });
            match made {
                Ok(Some(c)) => tracing::info!(sequence = c.sequence, "audit checkpoint signed"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
            }
            std::thread::sleep(interval);
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the checkpoint thread"));
}

pub async fn run(config: &Config, pool: DbPool) -> Result<(), StartError> {
    let validator = crate::auth_setup::validator(config)?;
    let signer = crate::auth_setup::checkpoint_signer(config)?;
    let state = web::Data::new(
        AppState::new(
            pool.clone(),
            validator,
            config.auth.four_eyes,
            config.limits,
        )
        .with_audit_key(signer.public()),
    );
    spawn_checkpoints(
        pool,
        signer,
        Duration::from_secs(config.audit.checkpoint_interval),
    );
    let bench_routes = config.bench_routes;
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .configure(|cfg| {
                if bench_routes {
                    crate::bench_routes::configure(cfg);
                }
            })
            .configure(|cfg| toolreg_api::configure(&mut ServiceConfig::new(cfg)))
            // The document is served by the API at OPENAPI_PATH; Swagger UI
            // (assets compiled in, no CDN) only points at it.
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::new([OPENAPI_PATH])),
            )
            .service(web::redirect("/docs", "/docs/"))
            .default_service(web::to(toolreg_api::not_found))
            .wrap(middleware::from_fn(toolreg_api::request_guard::guard))
            .wrap(middleware::from_fn(toolreg_api::access::authenticate))
            .wrap(toolreg_api::error_pages::middleware())
            .wrap(
                middleware::Logger::new("%{request}xi %s %b %Dms")
                    .custom_request_replace("request", |req| {
                        toolreg_api::request_guard::loggable_request_line(
                            req.method().as_str(),
                            req.path(),
                            req.query_string(),
                        )
                    })
                    .log_target("toolreg::http"),
            )
            // Outermost, so problem pages rewritten by `error_pages` carry them too.
            .wrap(security_headers())
    })
    .bind(config.bind)
    .map_err(|source| StartError::Bind {
        addr: config.bind.to_string(),
        source,
    })?;
    for addr in server.addrs() {
        // Printed on stdout, one line, so people and test harnesses see where
        // the service is (the port is chosen by the OS with port 0).
        println!("toolreg lytter på http://{addr}");
        tracing::info!(%addr, database = %config.database_url.redacted(), "toolreg started");
    }
    server.run().await.map_err(StartError::Serve)
}
