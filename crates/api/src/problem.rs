//! RFC 9457 problem details: the one place errors become HTTP responses.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use toolreg_core::Violation;
use toolreg_store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";
/// Base of the `type` URIs; each problem kind has its own fragment.
const TYPE_BASE: &str = "https://toolreg.no/problems/";
/// The most field errors one problem lists; `error_count` gives the total.
pub const MAX_LISTED_ERRORS: usize = 20;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "type": "https://toolreg.no/problems/validation",
    "title": "Ugyldige data",
    "status": 422,
    "detail": "Ett eller flere felt er ugyldige.",
    "instance": "/api/v1/tools",
    "errors": [{"pointer": "/slug", "message": "slug kan bare inneholde a–z, 0–9 og bindestrek"}]
}))]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Violation>,
    /// How many problems were found in all, when more than `errors` lists:
    /// a response stays small whatever the request held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_count: Option<usize>,
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    #[serde(skip)]
    #[schema(ignore)]
    pub headers: Vec<(String, String)>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str) -> Self {
        Self {
            problem_type: format!("{TYPE_BASE}{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: None,
            instance: None,
            errors: Vec::new(),
            error_count: None,
            headers: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn instance(mut self, path: impl Into<String>) -> Self {
        self.instance = Some(path.into());
        self
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Fant ikke ressursen").detail(detail)
    }

    pub fn bad_request(kind: &str, title: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, kind, title).detail(detail)
    }

    /// A request body or parameter that does not parse, with where.
    pub fn invalid_input(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut p = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid-input",
            "Ugyldig forespørsel",
        )
        .detail(message.clone());
        p.errors.push(Violation {
            pointer: pointer.into(),
            message,
        });
        p
    }

    /// 422 for one field that parses but cannot be taken.
    pub fn invalid_field(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let mut v = toolreg_core::Violations::new();
        v.push(pointer, message);
        Self::validation(v)
    }

    /// 422 listing the bad fields, at most `MAX_LISTED_ERRORS` of them.
    pub fn validation(v: toolreg_core::Violations) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Ugyldige data",
        )
        .detail("Ett eller flere felt er ugyldige.");
        let total = v.len();
        p.errors = v.0;
        if total > MAX_LISTED_ERRORS {
            p.errors.truncate(MAX_LISTED_ERRORS);
            p.error_count = Some(total);
            p.detail = Some(format!(
                "{total} felt er ugyldige; de første {MAX_LISTED_ERRORS} er listet."
            ));
        }
        p
    }

    pub fn precondition_required() -> Self {
        Self::new(StatusCode::PRECONDITION_REQUIRED, "precondition-required", "If-Match mangler")
            .detail("Endringer krever If-Match med ETag fra en GET av ressursen, så ingen overskriver andres endringer.")
    }

    pub fn stale() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "stale",
            "Ressursen er endret",
        )
        .detail("Ressursen er endret siden du leste den. Hent den på nytt og prøv igjen.")
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Tjenesten er ikke klar",
        )
        .detail(detail)
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Intern feil")
            .detail("Noe gikk galt hos oss. Feilen er logget.")
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.title)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(Problem::status_code(self));
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        for (name, value) in &self.headers {
            builder.insert_header((name.as_str(), value.as_str()));
        }
        builder.json(self)
    }
}

impl From<diesel::result::Error> for Problem {
    fn from(e: diesel::result::Error) -> Self {
        StoreError::from(e).into()
    }
}
