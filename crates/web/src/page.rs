//! What every page shares: the frame around it (title, assets, links to
//! the page's JSON and feed), rendering, and the HTTP answer — an ETag from
//! the bytes, 304 on revalidation, the API's response cache for pages
//! built from the store, a strict content security policy, and error pages
//! in Norwegian instead of problem documents.

use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use toolreg_api::caching::{etag_of_bytes, respond_as, CachePolicy};
use toolreg_api::response_cache::cached_body;
use toolreg_api::{AppState, Problem};
use toolreg_store::DbConnection;

const HTML: &str = "text/html; charset=utf-8";

/// Only this service's own stylesheet and script, no inline code, no
/// framing, forms posting nowhere else.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The frame of a page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The `<title>`, before the service's name.
    pub title: String,
    pub css: &'static str,
    pub js: &'static str,
    /// This page's data in the API, if it has one.
    pub json: Option<String>,
    /// The Atom feed of what the page is about.
    pub feed: Option<String>,
}

impl Chrome {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            css: crate::assets::css_path(),
            js: crate::assets::js_path(),
            json: None,
            feed: None,
        }
    }

    pub fn with_json(mut self, path: String) -> Self {
        self.json = Some(path);
        self
    }

    pub fn with_feed(mut self, path: String) -> Self {
        self.feed = Some(path);
        self
    }
}

/// A page that could not be shown: a problem, told to people as a page.
#[derive(Debug)]
pub struct PageError(pub Problem);

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        Self(p)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.0.status, self.0.title)
    }
}

#[derive(Template)]
#[template(path = "nb/error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    title: &'a str,
    detail: Option<&'a str>,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let page = ErrorPage {
            chrome: Chrome::new(self.0.title.clone()),
            status: self.0.status,
            title: &self.0.title,
            detail: self.0.detail.as_deref(),
        };
        let body = page.render().unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            String::from("<!doctype html><title>Feil</title><p>Noe gikk galt.</p>")
        });
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header((header::CONTENT_TYPE, HTML))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header(("Content-Security-Policy", CONTENT_SECURITY_POLICY));
        for (name, value) in &self.0.headers {
            response.insert_header((name.as_str(), value.as_str()));
        }
        response.body(body)
    }
}

/// 404 as a page.
pub fn not_found_page() -> HttpResponse {
    PageError(Problem::not_found("Vi fant ikke siden du lette etter.")).error_response()
}

/// Render a template, or 500.
pub fn render(template: &impl Template) -> Result<String, Problem> {
    template.render().map_err(|e| {
        tracing::error!(error = %e, "page failed to render");
        Problem::internal()
    })
}

/// 200 with the page (or 304 when the browser has it), revalidated on
/// every use.
pub fn html_response(req: &HttpRequest, body: Bytes, etag: String) -> HttpResponse {
    let mut response = respond_as(req, body, etag, CachePolicy::Revalidate, HTML);
    response.headers_mut().insert(
        header::HeaderName::from_static("content-security-policy"),
        header::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

/// A page rendered now (one that does not come from the store alone).
pub fn fresh(req: &HttpRequest, body: String) -> HttpResponse {
    let etag = etag_of_bytes(body.as_bytes());
    html_response(req, Bytes::from(body), etag)
}

/// A page built from the store, from the API's response cache while the
/// store has not changed.
pub async fn from_store<F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    build: F,
) -> Result<HttpResponse, PageError>
where
    F: FnOnce(&mut DbConnection) -> Result<String, Problem> + Send + 'static,
{
    let key = format!("web|{}?{}", req.path(), req.query_string());
    let cached = cached_body(state, key, move |conn| {
        Ok((build(conn)?.into_bytes(), None))
    })
    .await?;
    Ok(html_response(req, cached.body, cached.etag))
}

/// The query's value for `name`, the first if given twice.
pub fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.trim().is_empty())
}

/// A 400 page naming what was wrong with the address.
pub fn bad_request(detail: impl Into<String>) -> PageError {
    PageError(Problem::bad_request(
        "bad-request",
        "Ugyldig adresse",
        detail,
    ))
}
