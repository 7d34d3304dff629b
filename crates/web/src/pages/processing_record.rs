//! The record of processing activities (GDPR art. 30) as a printable page:
//! one section per tool in use, in the organisation's own words with the
//! national verdict and the local acceptance. Private like the API's
//! record: the organisation's own municipality users and admins, by bearer
//! token; never cached.

use crate::page::{self, Chrome, PageError};
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use toolreg_api::access::{require_own_municipality, AsMunicipalityOrAdmin};
use toolreg_api::blocking::with_db;
use toolreg_api::routes::inventory::processing_record;
use toolreg_api::AppState;
use toolreg_core::processing_record::{ProcessingActivity, ProcessingRecord};

#[derive(Template)]
#[template(path = "nb/processing_record.html")]
struct RecordPage {
    chrome: Chrome,
    record: ProcessingRecord,
    generated: String,
    csv_href: String,
}

impl RecordPage {
    /// The fields of an activity in the order the page lists them (a
    /// method, for the template).
    fn rows_of(&self, a: &ProcessingActivity) -> Vec<(&'static str, String)> {
        let list = |items: &[String]| items.join(", ");
        let grades = a
            .grades
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            ("Formål", a.purpose.clone()),
            ("Databehandler", a.processor.clone()),
            ("Behandlingsgrunnlag", a.legal_basis_text.clone()),
            ("Supplerende rettsgrunnlag", a.supplementary_basis.clone()),
            ("Registrerte", list(&a.data_subjects)),
            ("Personopplysninger", list(&a.data_categories)),
            ("Skoler", a.schools.clone()),
            ("Trinn", grades),
            ("Fag", list(&a.subjects)),
            (
                "Databehandleravtale",
                match &a.agreement_reference {
                    Some(r) => format!("{} ({r})", a.agreement),
                    None => a.agreement.clone(),
                },
            ),
            ("Ansvarlig", a.owner.clone()),
            ("Status", a.usage_status.clone()),
            ("Nasjonal vurdering", a.national_verdict.clone()),
            ("Lokal godkjenning", a.acceptance.clone()),
            ("Tilstand", a.state.clone()),
            ("DPIA", a.dpia.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }
}

#[get("/kommuner/{id}/behandlingsprotokoll")]
pub async fn record_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsMunicipalityOrAdmin(caller): AsMunicipalityOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let raw = path.into_inner();
    let org = uuid::Uuid::parse_str(&raw)
        .map_err(|_| page::bad_request(format!("«{raw}» er ikke en gyldig id")))?;
    let record = with_db(&state, move |conn| {
        require_own_municipality(conn, &caller, org)?;
        processing_record(conn, org)
    })
    .await?;
    let body = page::render(&RecordPage {
        chrome: Chrome::new(format!(
            "Protokoll over behandlinger – {}",
            record.organisation_name
        )),
        generated: record
            .generated_at
            .format("%d.%m.%Y kl. %H:%M UTC")
            .to_string(),
        csv_href: format!("/api/v1/organisations/{org}/processing-record.csv"),
        record,
    })?;
    let mut response = page::fresh(&req, body);
    // Private to the organisation: no cache may keep it.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
