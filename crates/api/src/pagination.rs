//! `?limit=&cursor=` on lists: the cursor is the opaque, URL-safe encoding
//! of the store's keyset position; the response has `next_cursor` and a
//! `Link: <…>; rel="next"` header.

use crate::problem::Problem;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use toolreg_store::page::PageKey;
use toolreg_store::PageRequest;

pub fn encode_cursor(key: &PageKey) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
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

pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, Problem> {
    let limit = limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
    if !(1..=PageRequest::MAX_LIMIT).contains(&limit) {
        return Err(Problem::invalid_input(
            "/limit",
            format!("limit må være fra 1 til {}", PageRequest::MAX_LIMIT),
        ));
    }
    let after = cursor
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()?;
    Ok(PageRequest { limit, after })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListBody<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// The `Link` header value for the next page of `path` with `query`.
pub fn next_link(path: &str, query: &str, next_cursor: &str) -> String {
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
        .collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("<{path}?{q}cursor={next_cursor}>; rel=\"next\"")
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
    fn link_replaces_the_cursor() {
        assert_eq!(
            next_link("/api/v1/tools", "limit=2&cursor=old", "new"),
            "</api/v1/tools?limit=2&cursor=new>; rel=\"next\""
        );
    }
}
