//! Wiring the HTTP service.

use crate::config::Config;
use crate::database::StartError;
use actix_web::{middleware, web, App, HttpServer};
use toolreg_api::AppState;
use toolreg_store::DbPool;

pub async fn run(config: &Config, pool: DbPool) -> Result<(), StartError> {
    let state = web::Data::new(AppState { pool });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Logger::new("%r %s %b %Dms").log_target("toolreg::http"))
            .configure(toolreg_api::configure)
            .default_service(web::to(toolreg_api::not_found))
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
