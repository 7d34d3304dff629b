//! ETags and conditional requests. Representations get a strong ETag from
//! the SHA-256 of their JSON bytes, so the same content always has the same
//! tag on every replica; `If-None-Match` gives 304, and updates check
//! `If-Match` against the current representation (428 without one, 412 when
//! stale).

use crate::problem::Problem;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// May change: clients revalidate with the ETag.
    Revalidate,
    /// Published verdict versions never change.
    Immutable,
}

pub fn etag_of_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

pub fn etag_of<T: Serialize>(value: &T) -> String {
    etag_of_bytes(&serde_json::to_vec(value).unwrap_or_default())
}

/// Does a header listing ETags (or `*`) match `etag`? Weak tags compare by
/// their opaque part, as RFC 9110 allows for If-None-Match.
pub fn list_matches(value: &str, etag: &str) -> bool {
    value.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.trim_start_matches("W/") == etag.trim_start_matches("W/")
    })
}

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// 200 with the JSON body and its ETag, or 304 when the client has it.
pub fn json_response<T: Serialize>(
    req: &HttpRequest,
    value: &T,
    policy: CachePolicy,
) -> HttpResponse {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            return actix_web::ResponseError::error_response(&Problem::internal());
        }
    };
    let etag = etag_of_bytes(&body);
    respond(req, body, etag, policy)
}

pub fn respond(
    req: &HttpRequest,
    body: impl Into<actix_web::web::Bytes>,
    etag: String,
    policy: CachePolicy,
) -> HttpResponse {
    respond_as(req, body, etag, policy, "application/json")
}

/// The same for a body of another media type (a web page).
pub fn respond_as(
    req: &HttpRequest,
    body: impl Into<actix_web::web::Bytes>,
    etag: String,
    policy: CachePolicy,
    media_type: &str,
) -> HttpResponse {
    let cache_control = match policy {
        CachePolicy::Revalidate => "no-cache",
        CachePolicy::Immutable => "public, max-age=31536000, immutable",
    };
    if header_str(req, header::IF_NONE_MATCH).is_some_and(|v| list_matches(v, &etag)) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .content_type(media_type)
        .body(body.into())
}

/// The `If-Match` an update must carry.
pub fn required_if_match(req: &HttpRequest) -> Result<String, Problem> {
    header_str(req, header::IF_MATCH)
        .map(str::to_string)
        .ok_or_else(Problem::precondition_required)
}

/// `If-Match` as an extractor. Handlers take it after the path and before
/// the body, so a missing precondition is 428 whatever the body holds,
/// while a stale one is judged (412) only once the request is otherwise
/// valid.
pub struct IfMatch(pub String);

impl actix_web::FromRequest for IfMatch {
    type Error = Problem;
    type Future = std::future::Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(required_if_match(req).map(IfMatch))
    }
}

/// Check `If-Match` against the current representation's ETag.
pub fn check_if_match(if_match: &str, current_etag: &str) -> Result<(), Problem> {
    // Strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
    let ok = if_match
        .split(',')
        .map(str::trim)
        .any(|c| c == "*" || (!c.starts_with("W/") && c == current_etag));
    if ok {
        Ok(())
    } else {
        Err(Problem::stale())
    }
}

pub fn etag_header(etag: &str) -> (header::HeaderName, HeaderValue) {
    (
        header::ETAG,
        HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\"")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_stable_and_quoted() {
        let a = etag_of(&serde_json::json!({"a": 1}));
        assert_eq!(a, etag_of(&serde_json::json!({"a": 1})));
        assert!(a.starts_with('"') && a.ends_with('"') && a.len() == 34);
        assert_ne!(a, etag_of(&serde_json::json!({"a": 2})));
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        assert!(list_matches("\"x\", \"y\"", "\"y\""));
        assert!(list_matches("W/\"y\"", "\"y\""));
        assert!(list_matches("*", "\"y\""));
        assert!(!list_matches("\"x\"", "\"y\""));
    }

    #[test]
    fn if_match_is_strong() {
        assert!(check_if_match("\"y\"", "\"y\"").is_ok());
        assert!(check_if_match("W/\"y\"", "\"y\"").is_err());
        assert_eq!(
            check_if_match("\"x\"", "\"y\"").err().map(|p| p.status),
            Some(412)
        );
    }
}
