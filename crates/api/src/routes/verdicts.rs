//! A tool's verdicts: history, one immutable version, the verdict as of a
//! time, and what changed between two versions.

use crate::caching::CachePolicy;
use crate::problem::Problem;
use crate::state::AppState;
use crate::tool_path::ToolPath;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toolreg_core::diff::{diff_verdicts, VerdictDiff};
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
use toolreg_store::tables::{assessment, verdict_version};
use toolreg_store::DbConnection;
use uuid::Uuid;

/// One line of a tool's verdict history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    /// `{assessment_id}:{version}`: use as `from`/`to` in the diff.
    #[serde(rename = "ref")]
    pub reference: String,
    pub assessment_id: Uuid,
    pub assessment_kind: toolreg_core::assessment::AssessmentKind,
    pub assessment_title: String,
    pub version: i32,
    pub level: VerdictLevel,
    pub summary: String,
    pub published_at: DateTime<Utc>,
    pub change_note: String,
    pub content_sha256: String,
    pub withdrawn: bool,
    pub withdrawal: Option<toolreg_core::assessment::Withdrawal>,
    /// Where the full, immutable version is.
    pub href: String,
}

/// Verdict history of a tool, newest first; withdrawn versions are marked.
#[utoipa::path(
    tag = "verdicts",
    params(ToolPath),
    responses(
        (status = 200, description = "History", body = Vec<HistoryItem>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/verdicts")]
pub async fn verdict_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        let history = verdict_version::history_for_tool(conn, t.id)?;
        Ok(history
            .into_iter()
            .map(|h| HistoryItem {
                reference: format!("{}:{}", h.verdict.assessment_id, h.verdict.version),
                assessment_id: h.verdict.assessment_id,
                assessment_kind: h.assessment_kind,
                assessment_title: h.assessment_title,
                version: h.verdict.version,
                level: h.verdict.content.level,
                summary: h.verdict.content.summary.clone(),
                published_at: h.verdict.published_at,
                change_note: h.verdict.change_note.clone(),
                content_sha256: h.verdict.content_sha256.clone(),
                withdrawn: h.withdrawal.is_some(),
                withdrawal: h.withdrawal,
                href: format!(
                    "/api/v1/tools/{}/verdicts/{}/{}",
                    t.id, h.verdict.assessment_id, h.verdict.version
                ),
            })
            .collect::<Vec<_>>())
    })
    .await
}

/// One published verdict version, complete. Immutable: cache it forever.
#[utoipa::path(
    tag = "verdicts",
    params(
        ToolPath,
        ("assessment_id" = Uuid, Path, description = "Assessment id"),
        ("version" = i32, Path, description = "Version number, from 1"),
    ),
    responses(
        (status = 200, description = "The version", body = VerdictVersion,
         headers(("ETag" = String, description = "Strong: the content hash"), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad id or version", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version for this tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/verdicts/{assessment_id}/{version}")]
pub async fn get_verdict_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    // Ids and numbers need no decoding: read as the router matched them.
    let segment = |name: &str| req.match_info().get(name).unwrap_or_default().to_string();
    let (assessment, version) = (segment("assessment_id"), segment("version"));
    let assessment_id = super::parse_id("assessment_id", &assessment)?;
    let version: i32 = version.parse().map_err(|_| {
        Problem::invalid_input("/version", format!("«{version}» er ikke et versjonsnummer"))
    })?;
    tool.read_json(&req, &state, CachePolicy::Immutable, move |conn, t| {
        let a = assessment::get(conn, assessment_id)?;
        if !a.tool_ids.contains(&t.id) {
            return Err(Problem::not_found(
                "Vurderingen gjelder ikke dette verktøyet.",
            ));
        }
        Ok(verdict_version::get(conn, assessment_id, version)?)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// RFC 3339 time, e.g. `2025-06-01T00:00:00Z`.
    #[param(format = DateTime)]
    pub as_of: String,
}

fn parse_time(name: &str, raw: &str) -> Result<DateTime<Utc>, Problem> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Problem::invalid_input(
                format!("/{name}"),
                format!("«{raw}» er ikke en RFC 3339-tid, f.eks. 2025-06-01T00:00:00Z"),
            )
        })
}

/// The verdict that was in force at a given time.
#[utoipa::path(
    tag = "verdicts",
    params(ToolPath, AsOfQuery),
    responses(
        (status = 200, description = "The version in force then", body = VerdictVersion, headers(("ETag" = String))),
        (status = 400, description = "Bad time", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No verdict in force at that time", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/verdict")]
pub async fn verdict_as_of(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
    query: crate::query::QueryParams<AsOfQuery>,
) -> Result<HttpResponse, Problem> {
    let at = parse_time("as_of", &query.as_of)?;
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        verdict_version::as_of(conn, t.id, at)?.ok_or_else(|| {
            Problem::not_found(format!(
                "Ingen konklusjon gjaldt for verktøyet på tidspunktet {}.",
                at.to_rfc3339()
            ))
        })
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// `{assessment_id}:{version}` from the history.
    #[param(
        pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[0-9]{1,9}$"
    )]
    pub from: String,
    /// `{assessment_id}:{version}` from the history.
    #[param(
        pattern = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}:[0-9]{1,9}$"
    )]
    pub to: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerdictDiffBody {
    pub from: String,
    pub to: String,
    pub severity: toolreg_core::event::Severity,
    pub diff: VerdictDiff,
}

/// `{assessment_id}:{version}` as the history names a version (also the web
/// catalogue's comparisons).
pub fn parse_ref(name: &str, raw: &str) -> Result<(Uuid, i32), Problem> {
    let bad = || {
        Problem::invalid_input(
            format!("/{name}"),
            format!("«{raw}» er ikke på formen {{assessment_id}}:{{versjon}}"),
        )
    };
    let (a, v) = raw.split_once(':').ok_or_else(bad)?;
    Ok((
        Uuid::parse_str(a).map_err(|_| bad())?,
        v.parse().map_err(|_| bad())?,
    ))
}

/// What changed between two verdict versions of a tool.
#[utoipa::path(
    tag = "verdicts",
    params(ToolPath, DiffQuery),
    responses(
        (status = 200, description = "Structured diff", body = VerdictDiffBody),
        (status = 400, description = "Bad reference", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Version not found for this tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/verdicts/diff")]
pub async fn verdict_diff(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
    query: crate::query::QueryParams<DiffQuery>,
) -> Result<HttpResponse, Problem> {
    let from = parse_ref("from", &query.from)?;
    let to = parse_ref("to", &query.to)?;
    let (from_text, to_text) = (query.from.clone(), query.to.clone());
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        let load =
            |conn: &mut DbConnection, (a, v): (Uuid, i32)| -> Result<VerdictVersion, Problem> {
                let assessment = assessment::get(conn, a)?;
                if !assessment.tool_ids.contains(&t.id) {
                    return Err(Problem::not_found(
                        "Vurderingen gjelder ikke dette verktøyet.",
                    ));
                }
                Ok(verdict_version::get(conn, a, v)?)
            };
        let (a, b) = (load(conn, from)?, load(conn, to)?);
        let diff = diff_verdicts(&a.content, &b.content);
        Ok(VerdictDiffBody {
            from: from_text,
            to: to_text,
            severity: diff.severity(),
            diff,
        })
    })
    .await
}
