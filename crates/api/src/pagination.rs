//! Paging, the same way on every list. Lists sorted by name page with
//! `?limit=&cursor=` ([`PageParams`]; the cursor is the opaque, URL-safe
//! encoding of the store's keyset position); feeds in sequence order (audit
//! trail, event log) page with `?after=&limit=` ([`FeedParams`]). Either way
//! the response carries `Link: <…>; rel="next"` ([`with_next_link`]).

use crate::problem::Problem;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::future::{ready, Ready};
use toolreg_store::page::PageKey;
use toolreg_store::PageRequest;

pub fn encode_cursor(key: &PageKey) -> String {
    let json = serde_json::to_vec(key).expect("a pair of strings serialises");
    URL_SAFE_NO_PAD.encode(json)
}

/// Longer than any cursor this server hands out (a 200-character name in
/// two-byte letters and an id, as base64 JSON, is about 610).
pub const MAX_CURSOR_LEN: usize = 1024;

pub fn decode_cursor(cursor: &str) -> Result<PageKey, Problem> {
    Some(cursor)
        .filter(|c| c.len() <= MAX_CURSOR_LEN)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| serde_json::from_slice::<PageKey>(&bytes).ok())
        .ok_or_else(|| {
            Problem::invalid_input(
                "/cursor",
                "ugyldig cursor: bruk next_cursor fra forrige side uendret",
            )
        })
}

/// `limit` as every list reads it: 1–200, 50 when absent.
pub fn limit_of(limit: Option<u32>) -> Result<u32, Problem> {
    let limit = limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
    if (1..=PageRequest::MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(Problem::invalid_input(
            "/limit",
            format!("limit må være fra 1 til {}", PageRequest::MAX_LIMIT),
        ))
    }
}

pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, Problem> {
    let limit = limit_of(limit)?;
    let after = cursor
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    Ok(PageRequest { limit, after })
}

/// `?limit=&cursor=` of a list sorted by name; documented on each list's
/// operation with `params(PageParams)`.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
}

/// The page a request asks for.
#[derive(Debug, Clone)]
pub struct Paging(pub PageRequest);

impl FromRequest for Paging {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            crate::query::parse::<PageParams>(req.query_string())
                .and_then(|p| page_request(p.limit, p.cursor.as_deref()))
                .map(Paging),
        )
    }
}

/// `?after=&limit=` of a feed in sequence order.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Entries after this sequence number; absent (or 0 and below) for the
    /// start.
    pub after: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The part of a feed a request asks for.
#[derive(Debug, Clone, Copy)]
pub struct FeedPosition {
    pub after: i64,
    pub limit: u32,
}

impl FromRequest for FeedPosition {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            crate::query::parse::<FeedParams>(req.query_string()).and_then(|p| {
                Ok(FeedPosition {
                    after: p.after.unwrap_or(0).max(0),
                    limit: limit_of(p.limit)?,
                })
            }),
        )
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListBody<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> From<toolreg_store::Page<T>> for ListBody<T> {
    /// A store page as the API shows it: the items and the next cursor.
    fn from(p: toolreg_store::Page<T>) -> Self {
        Self {
            next_cursor: p.next.as_ref().map(encode_cursor),
            items: p.items,
        }
    }
}

/// The `Link` header value for the next page: the request's own address
/// with `param` set to `value` (other parameters kept).
pub fn next_link(path: &str, query: &str, param: &str, value: &str) -> String {
    let prefix = format!("{param}=");
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with(&prefix))
        .collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("<{path}?{q}{param}={value}>; rel=\"next\"")
}

/// Add `Link: rel="next"` to a list response when a next page exists.
pub fn with_next_link(
    mut resp: HttpResponse,
    req: &HttpRequest,
    next: Option<(&str, &str)>,
) -> HttpResponse {
    if let Some((param, value)) = next {
        let link = next_link(req.path(), req.query_string(), param, value);
        if let Ok(v) = header::HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}

/// Answer a cursor list: JSON with an ETag, and `Link` to the next page.
pub fn list_response<T: Serialize>(
    req: &HttpRequest,
    body: &ListBody<T>,
    policy: crate::caching::CachePolicy,
) -> HttpResponse {
    let resp = crate::caching::json_response(req, body, policy);
    with_next_link(
        resp,
        req,
        body.next_cursor.as_deref().map(|c| ("cursor", c)),
    )
}

/// Answer a page of a feed: `Link` to the entries after the last one when
/// the page is full (a short page is the end, for now).
pub fn feed_response<T: Serialize>(
    req: &HttpRequest,
    items: &[T],
    position: FeedPosition,
    last_sequence: Option<i64>,
) -> HttpResponse {
    let resp = crate::caching::json_response(req, &items, crate::caching::CachePolicy::Revalidate);
    let full = items.len() >= position.limit as usize;
    let last = last_sequence.map(|s| s.to_string());
    with_next_link(
        resp,
        req,
        last.as_deref().filter(|_| full).map(|l| ("after", l)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let key = ("Kahoot!".to_string(), "0190".to_string());
        let c = encode_cursor(&key);
        assert!(c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
        assert_eq!(decode_cursor(&c).ok(), Some(key));
        assert_eq!(
            decode_cursor("not*a*cursor").err().map(|p| p.status),
            Some(400)
        );
        assert_eq!(
            decode_cursor("bm9wZQ")
                .err()
                .map(|p| p.errors[0].pointer.clone())
                .as_deref(),
            Some("/cursor")
        );
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(page_request(None, None).map(|p| p.limit).ok(), Some(50));
        assert!(page_request(Some(0), None).is_err());
        assert!(page_request(Some(201), None).is_err());
    }

    #[test]
    fn link_replaces_the_parameter() {
        assert_eq!(
            next_link("/api/v1/tools", "limit=2&cursor=old", "cursor", "new"),
            "</api/v1/tools?limit=2&cursor=new>; rel=\"next\""
        );
        assert_eq!(
            next_link("/api/v1/events", "after=5", "after", "9"),
            "</api/v1/events?after=9>; rel=\"next\""
        );
    }
}
