//! toolreg-api: the HTTP surface. Handlers read the request, call the
//! store, and shape the response; errors leave through `problem`.

pub mod health;
pub mod problem;
pub mod state;

use actix_web::{web, HttpRequest, HttpResponse};

pub use problem::Problem;
pub use state::AppState;

/// Register every route on an actix app.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz).service(health::readyz);
}

/// Anything no route matched: a 404 problem, never an HTML page.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    Problem::not_found(format!("Ingen ressurs på {}", req.path()))
        .instance(req.path())
        .error_response()
}
