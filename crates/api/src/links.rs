//! Addresses of what people read — the web catalogue's pages and the Atom
//! feeds — so API bodies link to them and the catalogue links back to the
//! API by the same rules. Paths are relative to the service's root.

use uuid::Uuid;

/// A tool's page in the web catalogue.
pub fn tool_page(slug: &str) -> String {
    format!("/verktoy/{slug}")
}

/// A tool's verdict history (and comparisons) in the web catalogue.
pub fn tool_history(slug: &str) -> String {
    format!("/verktoy/{slug}/historikk")
}

/// A vendor's page in the web catalogue.
pub fn vendor_page(id: Uuid) -> String {
    format!("/leverandorer/{id}")
}

/// A tool's Atom feed.
pub fn tool_feed(slug: &str) -> String {
    format!("/feeds/tools/{slug}.atom")
}

/// A tool's JSON in the API.
pub fn tool_json(slug: &str) -> String {
    format!("/api/v1/tools/{slug}")
}
