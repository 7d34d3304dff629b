//! The catalogue's stylesheet and script, compiled into the binary and
//! served under names that carry a hash of their content, so a browser
//! may keep them for a year and a new release is fetched at once. No CDN,
//! font or tracker: these two files are everything a page loads.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const CSS: &str = include_str!("../assets/catalogue.css");
const JS: &str = include_str!("../assets/catalogue.js");

/// An asset's address: its name with the first 12 hex digits of its
/// SHA-256 (`catalogue.3f2a…css`).
fn hashed(stem: &str, ext: &str, content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("/static/{stem}.{hex}.{ext}")
}

static CSS_PATH: LazyLock<String> = LazyLock::new(|| hashed("catalogue", "css", CSS));
static JS_PATH: LazyLock<String> = LazyLock::new(|| hashed("catalogue", "js", JS));

/// Where the stylesheet is.
pub fn css_path() -> &'static str {
    &CSS_PATH
}

/// Where the script is.
pub fn js_path() -> &'static str {
    &JS_PATH
}

/// An asset by its hashed name; an old or unknown name is 404 (a page
/// always names the current one).
#[get("/static/{name}")]
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    let path = format!("/static/{}", name.as_str());
    let (body, media_type) = if path == css_path() {
        (CSS, "text/css; charset=utf-8")
    } else if path == js_path() {
        (JS, "text/javascript; charset=utf-8")
    } else {
        return crate::page::not_found_page();
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, media_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash() {
        assert!(css_path().starts_with("/static/catalogue."));
        assert!(css_path().ends_with(".css"));
        assert_ne!(hashed("a", "css", "x"), hashed("a", "css", "y"));
        assert_eq!(hashed("a", "css", "x"), hashed("a", "css", "x"));
    }
}
