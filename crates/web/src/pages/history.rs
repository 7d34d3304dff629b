//! A tool's verdict history: every published version with its date,
//! reviewing organisation and change note, withdrawn ones marked; "what
//! changed" between any two versions, read from the structured diff (level,
//! conditions, findings and their scores, data flows, and the subprocessor
//! lists the two versions reviewed); and a form for "what did the verdict
//! say on a date", which opens the tool page as of then.

use crate::badge::Badge;
use crate::nb;
use crate::page::{self, Chrome, PageError};
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;
use toolreg_api::{links, AppState, Problem};
use toolreg_core::diff::{diff_verdicts, Change, VerdictDiff};
use toolreg_core::risk::Risk;
use toolreg_core::subprocessor_diff::diff_subprocessors;
use toolreg_core::tool::Tool;
use toolreg_core::verdict::VerdictVersion;
use toolreg_store::tables::{subprocessor_revision, tool, verdict_version};
use toolreg_store::DbConnection;
use uuid::Uuid;

struct VersionView {
    /// `{assessment_id}:{version}`, the value of `fra` and `til`.
    reference: String,
    label: String,
    badge: Badge,
    published: String,
    reviewer: String,
    assessment_title: String,
    version: i32,
    change_note: String,
    summary: String,
    withdrawn: Option<String>,
    /// Compare with the version before it of the same assessment.
    compare_previous: Option<String>,
}

struct DiffView {
    from_label: String,
    to_label: String,
    /// Nothing differs.
    same: bool,
    level: Option<(Badge, Badge)>,
    summary_changed: bool,
    rationale_changed: bool,
    review_due: Option<(String, String)>,
    conditions_added: Vec<String>,
    conditions_removed: Vec<String>,
    conditions_changed: Vec<(String, String)>,
    findings_added: Vec<String>,
    findings_removed: Vec<String>,
    findings_changed: Vec<String>,
    flows_added: Vec<String>,
    flows_removed: Vec<String>,
    flows_changed: Vec<String>,
    subprocessors: Vec<String>,
}

#[derive(Template)]
#[template(path = "nb/history.html")]
struct HistoryPage {
    chrome: Chrome,
    name: String,
    tool_href: String,
    versions: Vec<VersionView>,
    from: String,
    to: String,
    diff: Option<DiffView>,
    today: String,
}

/// A version reference from the address; a bad one is a 400 page.
fn parse_ref(name: &str, raw: &str) -> Result<(Uuid, i32), PageError> {
    toolreg_api::routes::verdicts::parse_ref(name, raw).map_err(PageError)
}

#[get("/verktoy/{slug}/historikk")]
pub async fn history_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let compare = match (
        page::query_value(&req, "fra"),
        page::query_value(&req, "til"),
    ) {
        (Some(f), Some(t)) => Some((parse_ref("fra", &f)?, parse_ref("til", &t)?)),
        (None, None) => None,
        _ => {
            return Err(page::bad_request(
                "Velg både versjonen du vil sammenligne fra og den du vil sammenligne til.",
            ))
        }
    };
    let slug = slug.into_inner();
    page::from_store(&req, &state, move |conn| {
        let t = tool::get_by_slug(conn, &slug.to_lowercase())?;
        build(conn, t, compare)
    })
    .await
}

fn risk(r: &Risk) -> String {
    format!("{} ({})", r.score, r.level.label_nb())
}

fn risk_change(what: &str, c: &Option<Change<Risk>>) -> Option<String> {
    c.as_ref()
        .map(|c| format!("{what} fra {} til {}", risk(&c.from), risk(&c.to)))
}

fn diff_view(
    conn: &mut DbConnection,
    t: &Tool,
    from: (&VerdictVersion, String),
    to: (&VerdictVersion, String),
) -> Result<DiffView, Problem> {
    let d: VerdictDiff = diff_verdicts(&from.0.content, &to.0.content);
    let reviewed = |v: &VerdictVersion| {
        v.content
            .subprocessor_revisions
            .iter()
            .find(|r| r.tool_id == t.id)
            .map(|r| r.revision)
    };
    let mut subprocessors = Vec::new();
    if let (Some(a), Some(b)) = (reviewed(from.0), reviewed(to.0)) {
        if a != b {
            let before = subprocessor_revision::get(conn, t.id, a)?;
            let after = subprocessor_revision::get(conn, t.id, b)?;
            let sd = diff_subprocessors(&before.entries, &after.entries);
            subprocessors.push(format!(
                "Vurdert underleverandørliste: nummer {a} → nummer {b}"
            ));
            for e in &sd.added {
                subprocessors.push(format!("Ny: {} ({})", e.name, nb::country(&e.country)));
            }
            for e in &sd.removed {
                subprocessors.push(format!("Fjernet: {} ({})", e.name, nb::country(&e.country)));
            }
            for c in &sd.changed {
                subprocessors.push(match &c.country {
                    Some(m) => format!(
                        "{} er flyttet fra {} til {}",
                        c.name,
                        nb::country(&m.from),
                        nb::country(&m.to)
                    ),
                    None => format!("Endrede opplysninger om {}", c.name),
                });
            }
            if !sd.third_countries_added.is_empty() {
                subprocessors.push(format!(
                    "Nye tredjeland: {}",
                    sd.third_countries_added
                        .iter()
                        .map(|c| nb::country(c))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    Ok(DiffView {
        from_label: from.1,
        to_label: to.1,
        same: d.is_empty() && subprocessors.is_empty(),
        level: d
            .level
            .as_ref()
            .map(|c| (Badge::of(c.from), Badge::of(c.to))),
        summary_changed: d.summary_changed,
        rationale_changed: d.rationale_changed,
        review_due: d.review_due.as_ref().map(|c| {
            let show = |d: Option<chrono::NaiveDate>| d.map_or("ingen".to_string(), nb::date);
            (show(c.from), show(c.to))
        }),
        conditions_added: d.conditions_added.iter().map(|c| c.text.clone()).collect(),
        conditions_removed: d
            .conditions_removed
            .iter()
            .map(|c| c.text.clone())
            .collect(),
        conditions_changed: d
            .conditions_changed
            .iter()
            .map(|c| (c.from.text.clone(), c.to.text.clone()))
            .collect(),
        findings_added: d
            .findings_added
            .iter()
            .map(|f| {
                format!(
                    "{}: {} – risiko {}, restrisiko {}",
                    f.reference,
                    f.title,
                    risk(&f.inherent_risk()),
                    risk(&f.residual_risk())
                )
            })
            .collect(),
        findings_removed: d
            .findings_removed
            .iter()
            .map(|f| format!("{}: {}", f.reference, f.title))
            .collect(),
        findings_changed: d
            .findings_changed
            .iter()
            .map(|f| {
                let scores: Vec<String> = [
                    risk_change("risiko", &f.risk),
                    risk_change("restrisiko", &f.residual_risk),
                ]
                .into_iter()
                .flatten()
                .collect();
                if scores.is_empty() {
                    format!(
                        "{}: {} (endret: {})",
                        f.reference,
                        f.title,
                        f.changed_fields.join(", ")
                    )
                } else {
                    format!("{}: {} – {}", f.reference, f.title, scores.join("; "))
                }
            })
            .collect(),
        flows_added: d
            .data_flows_added
            .iter()
            .map(|f| f.data_category.clone())
            .collect(),
        flows_removed: d
            .data_flows_removed
            .iter()
            .map(|f| f.data_category.clone())
            .collect(),
        flows_changed: d
            .data_flows_changed
            .iter()
            .map(|f| {
                format!(
                    "{} (endret: {})",
                    f.to.data_category,
                    f.changed_fields.join(", ")
                )
            })
            .collect(),
        subprocessors,
    })
}

fn build(
    conn: &mut DbConnection,
    t: Tool,
    compare: Option<((Uuid, i32), (Uuid, i32))>,
) -> Result<String, Problem> {
    let history = verdict_version::history_for_tool(conn, t.id)?;
    let mut reviewers: HashMap<Uuid, (String, String)> = HashMap::new();
    for h in &history {
        let a = h.verdict.assessment_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = reviewers.entry(a) {
            slot.insert(super::reviewer_of(conn, a)?);
        }
    }
    let label = |v: &VerdictVersion| {
        format!(
            "{}, versjon {} ({})",
            reviewers.get(&v.assessment_id).map_or("", |r| r.1.as_str()),
            v.version,
            nb::date(v.published_at.date_naive())
        )
    };
    let slug = t.input.slug.clone();
    let compare_link = |from: &VerdictVersion, to: &VerdictVersion| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("fra", &format!("{}:{}", from.assessment_id, from.version))
            .append_pair("til", &format!("{}:{}", to.assessment_id, to.version))
            .finish();
        format!("{}?{query}#endringer", links::tool_history(&slug))
    };
    let versions: Vec<VersionView> = history
        .iter()
        .map(|h| {
            let v = &h.verdict;
            let previous = history.iter().find(|p| {
                p.verdict.assessment_id == v.assessment_id && p.verdict.version == v.version - 1
            });
            let (reviewer, title) = reviewers.get(&v.assessment_id).cloned().unwrap_or_default();
            VersionView {
                reference: format!("{}:{}", v.assessment_id, v.version),
                label: label(v),
                badge: Badge::of(v.content.level),
                published: nb::date(v.published_at.date_naive()),
                reviewer,
                assessment_title: title,
                version: v.version,
                change_note: v.change_note.clone(),
                summary: v.content.summary.clone(),
                withdrawn: h.withdrawal.as_ref().map(|w| {
                    format!(
                        "Trukket tilbake {}: {}",
                        nb::date(w.at.date_naive()),
                        w.reason
                    )
                }),
                compare_previous: previous.map(|p| compare_link(&p.verdict, v)),
            }
        })
        .collect();
    let find = |(a, n): (Uuid, i32)| {
        history
            .iter()
            .find(|h| h.verdict.assessment_id == a && h.verdict.version == n)
            .map(|h| &h.verdict)
            .ok_or_else(|| {
                Problem::not_found("Versjonen finnes ikke i historikken til dette verktøyet.")
            })
    };
    let (diff, from, to) = match compare {
        Some((f, t_ref)) => {
            let (a, b) = (find(f)?, find(t_ref)?);
            let view = diff_view(conn, &t, (a, label(a)), (b, label(b)))?;
            (
                Some(view),
                format!("{}:{}", f.0, f.1),
                format!("{}:{}", t_ref.0, t_ref.1),
            )
        }
        None => {
            // Preselect the two newest, oldest first.
            let mut newest = history
                .iter()
                .take(2)
                .map(|h| format!("{}:{}", h.verdict.assessment_id, h.verdict.version));
            let to = newest.next().unwrap_or_default();
            let from = newest.next().unwrap_or_else(|| to.clone());
            (None, from, to)
        }
    };
    let chrome = Chrome::new(format!("Historikk for {}", t.input.name))
        .with_json(format!("{}/verdicts", links::tool_json(&t.input.slug)))
        .with_feed(links::tool_feed(&t.input.slug));
    page::render(&HistoryPage {
        chrome,
        name: t.input.name.clone(),
        tool_href: links::tool_page(&t.input.slug),
        versions,
        from,
        to,
        diff,
        today: chrono::Utc::now().date_naive().to_string(),
    })
}
