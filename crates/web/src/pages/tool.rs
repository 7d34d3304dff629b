//! A tool's page: the verdict in force (or in force on a chosen date) in
//! plain words, conditions as a checklist, the DPIA findings with
//! likelihood × consequence and residual risk, data flows, the
//! subprocessor chain as a tree with every third country marked, Feide
//! attributes, AI features, public documents, and a short summary for
//! parents. Printable: municipalities file it with their own DPIA.

use crate::badge::Badge;
use crate::nb;
use crate::page::{self, Chrome, PageError};
use crate::subprocessor_tree;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use toolreg_api::{links, AppState, Problem};
use toolreg_core::data_flow::DataFlow;
use toolreg_core::document::Visibility;
use toolreg_core::finding::Finding;
use toolreg_core::subprocessor::{summarise, SubprocessorRevision};
use toolreg_core::tool::{ProcessesPersonalData, Tool};
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
use toolreg_store::read_model::{self, ToolView};
use toolreg_store::tables::document::Reader;
use toolreg_store::tables::{document, organisation, subprocessor_revision, tool, verdict_version};
use toolreg_store::{DbConnection, PageRequest};

pub struct ConditionView {
    text: String,
    audience: &'static str,
    mandatory: bool,
    setting: Option<String>,
}

pub struct RiskView {
    likelihood: u8,
    consequence: u8,
    score: u8,
    level: &'static str,
    /// CSS class of the level (`risk-high`).
    class: &'static str,
}

impl RiskView {
    fn of(likelihood: u8, consequence: u8) -> Self {
        let risk = toolreg_core::risk::Risk::of(likelihood, consequence);
        Self {
            likelihood,
            consequence,
            score: risk.score,
            level: risk.level.label_nb(),
            class: match risk.level {
                toolreg_core::risk::RiskLevel::Low => "risk-low",
                toolreg_core::risk::RiskLevel::Medium => "risk-medium",
                toolreg_core::risk::RiskLevel::High => "risk-high",
            },
        }
    }
}

pub struct FindingView {
    reference: String,
    title: String,
    description: String,
    category: &'static str,
    inherent: RiskView,
    residual: RiskView,
    treatment: &'static str,
    measures: Vec<String>,
}

impl FindingView {
    pub fn of(f: &Finding) -> Self {
        Self {
            reference: f.reference.clone(),
            title: f.title.clone(),
            description: f.description.clone(),
            category: nb::finding_category(f.category),
            inherent: RiskView::of(f.likelihood, f.consequence),
            residual: RiskView::of(f.residual_likelihood, f.residual_consequence),
            treatment: nb::treatment(f.treatment),
            measures: f
                .measures
                .iter()
                .map(|m| {
                    format!(
                        "{} (ansvar: {}, {})",
                        m.description,
                        nb::measure_owner(m.owner),
                        nb::measure_status(m.status)
                    )
                })
                .collect(),
        }
    }
}

pub struct FlowView {
    data_category: String,
    subjects: String,
    purpose: String,
    countries: String,
    retention: String,
    recipients: String,
    legal_basis: &'static str,
    vendor_own_purposes: bool,
}

impl FlowView {
    pub fn of(d: &DataFlow) -> Self {
        Self {
            data_category: d.data_category.clone(),
            subjects: d
                .subjects
                .iter()
                .map(|s| nb::data_subject(*s))
                .collect::<Vec<_>>()
                .join(", "),
            purpose: d.purpose.clone(),
            countries: d
                .storage_countries
                .iter()
                .map(|c| nb::country(c))
                .collect::<Vec<_>>()
                .join(", "),
            retention: d.retention.clone(),
            recipients: d.recipients.join(", "),
            legal_basis: nb::legal_basis(d.legal_basis),
            vendor_own_purposes: d.vendor_own_purposes,
        }
    }
}

pub struct VerdictView {
    badge: Badge,
    plain: &'static str,
    summary: String,
    rationale: String,
    published: String,
    reviewer: String,
    assessment_title: String,
    version: i32,
    review_due: Option<String>,
    overdue: bool,
    conditions: Vec<ConditionView>,
    findings: Vec<FindingView>,
    flows: Vec<FlowView>,
}

pub struct DocumentView {
    title: String,
    kind: &'static str,
    href: String,
    scope: Option<String>,
    expires: Option<String>,
    expired: bool,
}

pub struct AiView {
    name: String,
    description: String,
    trains: &'static str,
}

#[derive(Template)]
#[template(path = "nb/tool.html")]
struct ToolPage {
    chrome: Chrome,
    name: String,
    summary: String,
    website: Option<String>,
    vendor: String,
    vendor_href: String,
    history_href: String,
    tool_href: String,
    facts: Vec<(&'static str, String)>,
    /// The date asked for, in words, when the page shows the past.
    as_of: Option<String>,
    /// The date field's value.
    as_of_value: String,
    verdict: Option<VerdictView>,
    /// Shown when no verdict is in force.
    no_verdict: Badge,
    for_parents: Vec<String>,
    feide: Vec<(String, String)>,
    ai: Vec<AiView>,
    subprocessors: Option<SubprocessorView>,
    documents: Vec<DocumentView>,
    today: String,
}

pub struct SubprocessorView {
    revision: i32,
    recorded: String,
    source_url: Option<String>,
    third_countries: String,
    tree: String,
}

/// `dato=YYYY-MM-DD`: the end of that day (UTC), when the page should
/// show what was in force then.
fn as_of(req: &HttpRequest) -> Result<Option<(NaiveDate, DateTime<Utc>)>, PageError> {
    let Some(raw) = page::query_value(req, "dato") else {
        return Ok(None);
    };
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        page::bad_request(format!(
            "«{raw}» er ikke en dato på formen åååå-mm-dd, for eksempel 2026-03-01."
        ))
    })?;
    let end = day
        .and_hms_opt(23, 59, 59)
        .map(|t| t.and_utc())
        .ok_or_else(|| page::bad_request("Datoen finnes ikke."))?;
    Ok(Some((day, end)))
}

#[get("/verktoy/{slug}")]
pub async fn tool_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let at = as_of(&req)?;
    let slug = slug.into_inner();
    page::from_store(&req, &state, move |conn| {
        let slug = slug.to_lowercase();
        let view = match at {
            // Today's page: tool, vendor, verdict and usage in one read.
            None => read_model::by_slug(conn, &slug)?,
            Some((_, end)) => {
                let t = tool::get_by_slug(conn, &slug)?;
                ToolView {
                    vendor_name: organisation::get(conn, t.input.vendor_id)?.name,
                    current_verdict: verdict_version::as_of(conn, t.id, end)?,
                    // Usage is shown for today only.
                    municipalities_using: None,
                    tool: t,
                }
            }
        };
        build(conn, view, at)
    })
    .await
}

fn verdict_view(conn: &mut DbConnection, v: &VerdictVersion) -> Result<VerdictView, Problem> {
    let (reviewer, assessment_title) = super::reviewer_of(conn, v.assessment_id)?;
    let today = Utc::now().date_naive();
    Ok(VerdictView {
        badge: Badge::of(v.content.level),
        plain: nb::verdict_plain(v.content.level),
        summary: v.content.summary.clone(),
        rationale: v.content.rationale.clone(),
        published: nb::date(v.published_at.date_naive()),
        reviewer,
        assessment_title,
        version: v.version,
        review_due: v.content.review_due.map(nb::date),
        overdue: v.content.review_due.is_some_and(|d| d < today),
        conditions: v
            .content
            .conditions
            .iter()
            .map(|c| ConditionView {
                text: c.text.clone(),
                audience: nb::audience(c.audience),
                mandatory: c.mandatory,
                setting: c.setting_key.clone(),
            })
            .collect(),
        findings: v.content.findings.iter().map(FindingView::of).collect(),
        flows: v.content.data_flows.iter().map(FlowView::of).collect(),
    })
}

/// The subprocessor list as it stood: the one the verdict reviewed when
/// looking back, else the newest recorded by then (or now).
fn subprocessor_list(
    conn: &mut DbConnection,
    t: &Tool,
    verdict: Option<&VerdictVersion>,
    at: Option<DateTime<Utc>>,
) -> Result<Option<SubprocessorRevision>, Problem> {
    let Some(at) = at else {
        return Ok(subprocessor_revision::latest(conn, t.id)?);
    };
    let reviewed = verdict.and_then(|v| {
        v.content
            .subprocessor_revisions
            .iter()
            .find(|r| r.tool_id == t.id)
            .map(|r| r.revision)
    });
    if let Some(revision) = reviewed {
        return Ok(Some(subprocessor_revision::get(conn, t.id, revision)?));
    }
    Ok(subprocessor_revision::list(conn, t.id)?
        .into_iter()
        .filter(|r| r.created_at <= at)
        .max_by_key(|r| r.revision))
}

fn build(
    conn: &mut DbConnection,
    view: ToolView,
    at: Option<(NaiveDate, DateTime<Utc>)>,
) -> Result<String, Problem> {
    let ToolView {
        tool: t,
        vendor_name,
        current_verdict: verdict,
        municipalities_using,
    } = view;
    let list = subprocessor_list(conn, &t, verdict.as_ref(), at.map(|(_, end)| end))?;
    let reader = Reader {
        widest: Visibility::Public,
        own: None,
    };
    let documents = document::list(
        conn,
        Some(t.input.vendor_id),
        None,
        reader,
        &PageRequest::first(50),
    )?
    .items
    .into_iter()
    .filter(|d| d.input.tool_id.is_none_or(|id| id == t.id))
    .map(|d| DocumentView {
        href: format!("/api/v1/documents/{}/content", d.id),
        kind: nb::document_kind(d.input.kind),
        scope: d.input.scope.clone(),
        expires: d.input.expires_at.map(|e| nb::date(e.date_naive())),
        expired: d.is_expired(Utc::now()),
        title: d.input.title,
    })
    .collect();
    let verdict_view = verdict
        .as_ref()
        .map(|v| verdict_view(conn, v))
        .transpose()?;
    let input = &t.input;
    let join = |items: Vec<String>| items.join(", ");
    let mut facts: Vec<(&'static str, String)> = vec![
        (
            "Alderstrinn",
            join(
                input
                    .age_bands
                    .iter()
                    .map(|a| nb::age_band(*a).to_string())
                    .collect(),
            ),
        ),
        (
            "Kategori",
            join(input.categories.iter().map(|c| nb::category(c)).collect()),
        ),
        (
            "Innlogging",
            join(
                input
                    .login_methods
                    .iter()
                    .map(|l| nb::login_method(*l).to_string())
                    .collect(),
            ),
        ),
        (
            "Plattformer",
            join(
                input
                    .platforms
                    .iter()
                    .map(|p| nb::platform(*p).to_string())
                    .collect(),
            ),
        ),
        (
            "Personopplysninger",
            nb::processes_personal_data(input.processes_personal_data).to_string(),
        ),
    ];
    // How widely it is used: the read model gives it only from the
    // threshold up (fewer could point at one municipality).
    if let Some(n) = municipalities_using {
        facts.push(("I bruk i", format!("{n} kommuner og fylkeskommuner")));
    }
    facts.retain(|(_, v)| !v.is_empty());
    let summary_of_list = list.as_ref().map(|l| summarise(&l.entries));
    let third: Vec<String> = summary_of_list
        .as_ref()
        .map(|s| s.third_countries.iter().map(|c| nb::country(c)).collect())
        .unwrap_or_default();
    let for_parents = for_parents(&t, verdict.as_ref(), list.is_some(), &third);
    let subprocessors = list
        .as_ref()
        .map(|l| -> Result<SubprocessorView, Problem> {
            Ok(SubprocessorView {
                revision: l.revision,
                recorded: nb::date(l.created_at.date_naive()),
                source_url: l.source_url.clone(),
                third_countries: third.join(", "),
                tree: subprocessor_tree::render(&l.entries)?,
            })
        })
        .transpose()?;
    let chrome = Chrome::new(input.name.clone())
        .with_json(links::tool_json(&input.slug))
        .with_feed(links::tool_feed(&input.slug));
    page::render(&ToolPage {
        chrome,
        name: input.name.clone(),
        summary: input.summary.clone(),
        website: input.website.clone(),
        vendor: vendor_name,
        vendor_href: links::vendor_page(t.input.vendor_id),
        history_href: links::tool_history(&input.slug),
        tool_href: links::tool_page(&input.slug),
        facts,
        as_of: at.map(|(day, _)| nb::date(day)),
        as_of_value: at.map(|(day, _)| day.to_string()).unwrap_or_default(),
        verdict: verdict_view,
        no_verdict: Badge::of(VerdictLevel::NotAssessed),
        for_parents,
        feide: input
            .feide_attributes
            .iter()
            .map(|f| (f.attribute.clone(), f.justification.clone()))
            .collect(),
        ai: input
            .ai_features
            .iter()
            .map(|a| AiView {
                name: a.name.clone(),
                description: a.description.clone(),
                trains: match a.trains_on_customer_data {
                    Some(true) => "Ja, kundens data brukes til å trene modeller",
                    Some(false) => "Nei",
                    None => "Ukjent",
                },
            })
            .collect(),
        subprocessors,
        documents,
        today: Utc::now().date_naive().to_string(),
    })
}

/// A few plain sentences for parents: may it be used, what is collected
/// about whom, whether data leaves the EEA, AI, and what the school does.
fn for_parents(
    t: &Tool,
    verdict: Option<&VerdictVersion>,
    has_list: bool,
    third: &[String],
) -> Vec<String> {
    let name = &t.input.name;
    let level = verdict.map_or(VerdictLevel::NotAssessed, |v| v.content.level);
    let mut out = vec![format!("{name} {}.", nb::verdict_plain(level))];
    match t.input.processes_personal_data {
        ProcessesPersonalData::Yes => {
            let mut subjects: Vec<&str> = verdict
                .into_iter()
                .flat_map(|v| v.content.data_flows.iter())
                .flat_map(|f| f.subjects.iter().map(|s| nb::data_subject(*s)))
                .collect();
            subjects.sort();
            subjects.dedup();
            out.push(if subjects.is_empty() {
                "Verktøyet behandler personopplysninger.".to_string()
            } else {
                format!(
                    "Verktøyet behandler personopplysninger om {}.",
                    subjects.join(", ")
                )
            });
        }
        ProcessesPersonalData::No => {
            out.push("Verktøyet behandler ikke personopplysninger.".to_string())
        }
        ProcessesPersonalData::Unknown => {
            out.push("Det er ikke avklart om verktøyet behandler personopplysninger.".to_string())
        }
    }
    if !third.is_empty() {
        out.push(format!(
            "Noen opplysninger kan bli behandlet utenfor EU/EØS: {}.",
            third.join(", ")
        ));
    } else if has_list {
        out.push("Opplysningene behandles innenfor EU/EØS.".to_string());
    }
    if !t.input.ai_features.is_empty() {
        out.push("Verktøyet har funksjoner med kunstig intelligens.".to_string());
    }
    let mandatory = verdict.map_or(0, |v| v.content.mandatory_conditions().count());
    if mandatory > 0 {
        out.push(format!(
            "Skolen må oppfylle {mandatory} vilkår for å bruke verktøyet på en trygg måte."
        ));
    }
    out.push(
        "Har du spørsmål, kan du kontakte skolen eller kommunens personvernombud.".to_string(),
    );
    out
}
