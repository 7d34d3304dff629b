//! Atom feeds of changes, for people with a feed reader: everything, one
//! tool's, or everything from a severity up. Newest 50 events, Norwegian
//! titles, one entry per event. Like the documentation pages, they are for
//! people and not part of the OpenAPI document (whose clients have no use
//! for Atom); integrations read `/api/v1/events`.

use crate::blocking::with_db;
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use std::collections::HashMap;
use toolreg_core::event::{Event, Severity};
use toolreg_notify::atom::{render, Feed};
use toolreg_store::tables::{event, tool};
use toolreg_store::DbConnection;
use uuid::Uuid;

const ENTRIES: i64 = 50;
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// The newest events with their tools' names.
fn entries(
    conn: &mut DbConnection,
    subject: Option<&str>,
    min_severity: Severity,
) -> Result<Vec<(Event, Option<String>)>, Problem> {
    let events = event::list_recent(conn, subject, min_severity, ENTRIES)?;
    let ids: Vec<Uuid> = events.iter().filter_map(Event::tool_id).collect();
    let names: HashMap<String, String> = tool::get_many(conn, &ids)?
        .into_iter()
        .map(|t| (format!("tools/{}", t.id), t.input.name))
        .collect();
    Ok(events
        .into_iter()
        .map(|e| {
            let name = names.get(&e.subject).cloned();
            (e, name)
        })
        .collect())
}

fn atom(
    req: &HttpRequest,
    state: &AppState,
    title: &str,
    entries: &[(Event, Option<String>)],
) -> HttpResponse {
    let url = format!("{}{}", state.public_url, req.path());
    let api_base = format!("{}/api/v1", state.public_url);
    let body = render(&Feed {
        url: &url,
        title,
        api_base: &api_base,
        entries,
        empty_updated: toolreg_store::time::now(),
    });
    HttpResponse::Ok()
        .content_type(ATOM)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// Every change to every tool (newest 50).
#[get("/feeds/all.atom")]
pub async fn all(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let found = with_db(&state, |conn| entries(conn, None, Severity::Info)).await?;
    Ok(atom(
        &req,
        &state,
        "Verktøyregisteret: alle endringer",
        &found,
    ))
}

/// Changes from a severity up: `warning` (to follow up) or `critical`
/// (to act on); `info` is everything.
#[get("/feeds/severity/{severity}.atom")]
pub async fn by_severity(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let severity: Severity = path.parse().map_err(|_| {
        Problem::not_found(format!(
            "Ingen alvorlighetsgrad «{path}»; bruk info, warning eller critical."
        ))
    })?;
    let found = with_db(&state, move |conn| entries(conn, None, severity)).await?;
    let title = match severity {
        Severity::Info => "Verktøyregisteret: alle endringer",
        Severity::Warning => "Verktøyregisteret: endringer som bør følges opp",
        Severity::Critical => "Verktøyregisteret: endringer som krever handling",
    };
    Ok(atom(&req, &state, title, &found))
}

/// Every change to one tool (newest 50).
#[get("/feeds/tools/{slug}.atom")]
pub async fn by_tool(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    let (name, found) = with_db(&state, move |conn| {
        let t = tool::get_by_id_or_slug(conn, &key)?;
        let found = entries(conn, Some(&format!("tools/{}", t.id)), Severity::Info)?;
        Ok((t.input.name, found))
    })
    .await?;
    Ok(atom(
        &req,
        &state,
        &format!("Verktøyregisteret: endringer for {name}"),
        &found,
    ))
}
