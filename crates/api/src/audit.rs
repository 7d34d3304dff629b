//! Every mutation writes an audit entry in the same transaction as the
//! change: who (token `sub` and `org`), what, on which target, under which
//! request, and the SHA-256 of the new state, chained to the entry before.

use crate::access::Caller;
use crate::problem::Problem;
use actix_web::HttpRequest;
use serde::Serialize;
use toolreg_store::audit::{self, Actor};
use toolreg_store::DbConnection;

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

/// Run `change` and append its audit entry in one transaction.
pub fn audited<T, F>(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: &str,
    action: &str,
    target: impl Fn(&T) -> String,
    change: F,
) -> Result<T, Problem>
where
    T: Serialize,
    F: FnOnce(&mut DbConnection) -> Result<T, Problem>,
{
    toolreg_store::write_transaction::<T, Problem, _>(conn, |conn| {
        let value = change(conn)?;
        let actor = Actor {
            sub: caller.sub().to_string(),
            org: caller.principal.org().map(str::to_owned),
            request_id: Some(request_id.to_string()),
        };
        audit::append(
            conn,
            &actor,
            action,
            &target(&value),
            &value,
            toolreg_store::time::now(),
        )?;
        Ok(value)
    })
}
