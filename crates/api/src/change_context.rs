//! The change context of a request: who (token `sub` and `org`), under
//! which request id, and when. The store's change pipeline records it in
//! the audit entry of every change; the API opens no transactions itself.

use crate::access::Caller;
use actix_web::HttpRequest;
use toolreg_store::ChangeContext;

/// The caller's `X-Request-Id`, or a fresh one, so entries can be matched
/// with logs and with the client's own records.
pub fn request_id(req: &HttpRequest) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// The context of a change made by `caller` in `req`.
pub fn of(req: &HttpRequest, caller: &Caller) -> ChangeContext {
    ChangeContext::new(caller.sub(), caller.principal.org(), Some(&request_id(req)))
}
