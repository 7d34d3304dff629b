//! How assessments are made and what they mean: a page of text.

use crate::badge::Badge;
use crate::nb;
use crate::page::{self, Chrome, PageError};
use actix_web::{get, HttpRequest, HttpResponse};
use askama::Template;
use toolreg_core::verdict::VerdictLevel;

#[derive(Template)]
#[template(path = "nb/about.html")]
struct AboutPage {
    chrome: Chrome,
    /// Each level's badge and what it means.
    levels: Vec<(Badge, &'static str)>,
}

#[get("/om")]
pub async fn about_page(req: HttpRequest) -> Result<HttpResponse, PageError> {
    let body = page::render(&AboutPage {
        chrome: Chrome::new("Om vurderingene"),
        levels: VerdictLevel::ALL
            .iter()
            .map(|l| (Badge::of(*l), nb::verdict_meaning(*l)))
            .collect(),
    })?;
    Ok(page::fresh(&req, body))
}
