//! The start page and search: one search box (typo-tolerant, through the
//! same index as `/api/v1/search`), facets as checkboxes with counts, and
//! each hit with its verdict badge and the verdict's summary as the line on
//! why. A plain GET form: it works without JavaScript; the script only
//! adds name suggestions while typing.

use crate::badge::Badge;
use crate::nb;
use crate::page::{self, Chrome, PageError};
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;
use toolreg_api::{links, AppState, Problem};
use toolreg_core::verdict::VerdictLevel;
use toolreg_search::{Facet, SearchIndex, SearchQuery};
use toolreg_store::tables::verdict_version;
use uuid::Uuid;

/// Hits per page.
const PER_PAGE: usize = 20;

/// The facets people filter by, in the order shown.
const FACETS: [Facet; 6] = [
    Facet::VerdictLevel,
    Facet::AgeBand,
    Facet::Category,
    Facet::LoginMethod,
    Facet::Platform,
    Facet::ThirdCountry,
];

/// Longest search text taken (as the API's).
const MAX_QUERY_CHARS: usize = 200;

/// Deepest page offered: the index counts exactly this far.
const MAX_PAGE: usize = toolreg_search::query::MAX_DEPTH / PER_PAGE;

struct FacetValueView {
    value: String,
    label: String,
    count: u64,
    checked: bool,
    /// The checkbox's id, unique on the page.
    id: String,
}

struct FacetView {
    /// The query parameter (the facet's API name).
    name: &'static str,
    heading: &'static str,
    values: Vec<FacetValueView>,
}

struct HitView {
    name: String,
    href: String,
    vendor: String,
    vendor_href: String,
    badge: Badge,
    /// Why the verdict is what it is: its summary, or the tool's own.
    why: String,
    /// Age bands, in words.
    ages: String,
}

#[derive(Template)]
#[template(path = "nb/search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    heading: String,
    total: u64,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    /// With a filter set: the same search without filters.
    clear_filters: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    page_number: usize,
}

/// What the address asks for.
struct Request {
    q: String,
    filters: Vec<(Facet, String)>,
    page_number: usize,
}

fn parse(req: &HttpRequest) -> Result<Request, PageError> {
    let mut q = String::new();
    let mut filters = Vec::new();
    let mut page_number = 1;
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        match key.as_ref() {
            "q" => q = value.trim().to_string(),
            "side" => {
                page_number = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| {
                        page::bad_request(format!("Sidetallet må være fra 1 til {MAX_PAGE}."))
                    })?;
            }
            other => {
                if let Some(facet) = FACETS.into_iter().find(|f| f.as_str() == other) {
                    filters.push((facet, value.into_owned()));
                }
                // Anything else (a tracker's parameter, an old link) is
                // ignored, as a person would expect.
            }
        }
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(page::bad_request(format!(
            "Søket kan være høyst {MAX_QUERY_CHARS} tegn."
        )));
    }
    Ok(Request {
        q,
        filters,
        page_number,
    })
}

/// The address of this search on another page.
fn page_link(r: &Request, page_number: usize) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !r.q.is_empty() {
        query.append_pair("q", &r.q);
    }
    for (facet, value) in &r.filters {
        query.append_pair(facet.as_str(), value);
    }
    query.append_pair("side", &page_number.to_string());
    format!("/sok?{}", query.finish())
}

/// The search without its filters.
fn clear_link(q: &str) -> String {
    if q.is_empty() {
        return "/sok".to_string();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .finish();
    format!("/sok?{query}")
}

#[get("/")]
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    search_page(req, state).await
}

#[get("/sok")]
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    search_page(req, state).await
}

async fn search_page(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let r = parse(&req)?;
    let index = state
        .search
        .as_ref()
        .ok_or_else(|| Problem::unavailable("Søket er ikke satt opp på denne tjenesten."))?
        .index
        .clone();
    let mut query = SearchQuery::text(&r.q)
        .count_facets(&FACETS)
        .page(PER_PAGE, (r.page_number - 1) * PER_PAGE);
    for (facet, value) in &r.filters {
        query = query.filter(*facet, value);
    }
    let found = index.search(&query).await.map_err(|e| {
        tracing::warn!(error = %e, "search failed");
        Problem::unavailable("Søket svarer ikke akkurat nå. Prøv igjen om litt.")
    })?;
    // The line on why, and vendors' names as they are now, from the store.
    let ids: Vec<Uuid> = found.hits.iter().map(|h| h.document.id).collect();
    let summaries = toolreg_api::blocking::with_db(&state, move |conn| {
        Ok(verdict_version::current_for_tools(conn, &ids)?
            .into_iter()
            .map(|(tool, v)| (tool, v.content.summary))
            .collect::<HashMap<Uuid, String>>())
    })
    .await?;
    let hits = found
        .hits
        .into_iter()
        .map(|hit| {
            let d = hit.document;
            let level = d.verdict_level.parse().unwrap_or(VerdictLevel::NotAssessed);
            HitView {
                href: links::tool_page(&d.slug),
                vendor_href: links::vendor_page(d.vendor_id),
                why: summaries.get(&d.id).cloned().unwrap_or(d.summary),
                ages: d
                    .age_bands
                    .iter()
                    .map(|a| nb::facet_value(Facet::AgeBand, a))
                    .collect::<Vec<_>>()
                    .join(", "),
                badge: Badge::of(level),
                name: d.name,
                vendor: d.vendor_name,
            }
        })
        .collect();
    let facets = FACETS
        .iter()
        .map(|facet| FacetView {
            name: facet.as_str(),
            heading: nb::facet(*facet),
            values: found
                .facets
                .get(facet)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| FacetValueView {
                    id: format!("{}-{i}", facet.as_str()),
                    label: nb::facet_value(*facet, &v.value),
                    checked: r
                        .filters
                        .iter()
                        .any(|(f, value)| f == facet && *value == v.value),
                    value: v.value.clone(),
                    count: v.count,
                })
                .collect(),
        })
        .filter(|f| !f.values.is_empty())
        .collect();
    let shown = r.page_number * PER_PAGE;
    let heading = if r.q.is_empty() {
        "Alle verktøy".to_string()
    } else {
        format!("Treff for «{}»", r.q)
    };
    let body = page::render(&SearchPage {
        chrome: Chrome::new(if r.q.is_empty() {
            "Søk i verktøy".to_string()
        } else {
            format!("Søk: {}", r.q)
        }),
        heading,
        total: found.estimated_total,
        hits,
        facets,
        clear_filters: (!r.filters.is_empty()).then(|| clear_link(&r.q)),
        previous: (r.page_number > 1).then(|| page_link(&r, r.page_number - 1)),
        next: ((shown as u64) < found.estimated_total && r.page_number < MAX_PAGE)
            .then(|| page_link(&r, r.page_number + 1)),
        page_number: r.page_number,
        q: r.q,
    })?;
    Ok(page::fresh(&req, body))
}
