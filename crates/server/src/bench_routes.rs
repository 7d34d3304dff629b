//! The ceiling for HTTP benchmarks: a route in the same binary, behind the
//! same middleware, that returns a precomputed JSON body of a requested size
//! and does no other work. Only served with TOOLREG_BENCH_ROUTES=true.

use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Distinct sizes kept: a benchmark asks for a handful; anyone asking for
/// every size up to 4 MiB must not make the process keep them all.
const MAX_KEPT: usize = 16;

fn bodies() -> &'static RwLock<HashMap<usize, Bytes>> {
    static BODIES: OnceLock<RwLock<HashMap<usize, Bytes>>> = OnceLock::new();
    BODIES.get_or_init(|| RwLock::new(HashMap::new()))
}

/// `{"pad":"xxxx…"}` of exactly `size` bytes (at least 10).
fn body_of(size: usize) -> Bytes {
    if let Some(b) = bodies().read().ok().and_then(|m| m.get(&size).cloned()) {
        return b;
    }
    let pad = size.saturating_sub(10);
    let body = Bytes::from(format!("{{\"pad\":\"{}\"}}", "x".repeat(pad)));
    if let Ok(mut m) = bodies().write() {
        if m.len() >= MAX_KEPT {
            m.clear();
        }
        m.insert(size, body.clone());
    }
    body
}

async fn ceiling(path: web::Path<usize>) -> HttpResponse {
    let size = path.into_inner().clamp(10, MAX_BYTES);
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body_of(size))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/bench/ceiling/{bytes}", web::get().to(ceiling));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_bodies_are_bounded() {
        for size in 1000..1100 {
            body_of(size);
        }
        assert!(bodies().read().map(|m| m.len()).unwrap_or(0) <= MAX_KEPT);
    }

    #[test]
    fn body_has_the_requested_size_and_is_json() {
        for size in [10, 11, 1518, 60_000] {
            let b = body_of(size);
            assert_eq!(b.len(), size);
            assert!(serde_json::from_slice::<serde_json::Value>(&b).is_ok());
        }
    }
}
