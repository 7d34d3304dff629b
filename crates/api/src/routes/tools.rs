//! Tools: list and read, create and update, and everything hanging off a
//! tool: its verdict history, verdict as of a time, diffs, subprocessors
//! and data flows.

use crate::access::{AsToolEditor, Caller, Who};
use crate::blocking::with_db;
use crate::caching::{
    check_if_match, etag_header, etag_of, etag_of_bytes, json_response, respond, CachePolicy,
    IfMatch,
};
use crate::json_body::JsonBody;
use crate::pagination::{encode_cursor, next_link, page_request, ListBody};
use crate::problem::Problem;
use crate::response_cache::Cached;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use toolreg_core::condition::Condition;
use toolreg_core::data_flow::DataFlow;
use toolreg_core::diff::{diff_verdicts, VerdictDiff};
use toolreg_core::subprocessor::{build_tree, summarise, SubprocessorNode, SubprocessorSummary};
use toolreg_core::subprocessor_diff::{diff_subprocessors, SubprocessorDiff};
use toolreg_core::tool::{
    AgeBand, LoginMethod, ProcessesPersonalData, Tool, ToolInput, ToolRevision,
};
use toolreg_core::verdict::{VerdictLevel, VerdictVersion};
use toolreg_store::tool::ToolFilter;
use toolreg_store::{organisation, subprocessor_revision, tool, verdict_version, DbConnection};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorRef {
    pub id: Uuid,
    pub name: String,
}

/// The verdict in force, as a municipality needs it at a glance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VerdictSummary {
    pub assessment_id: Uuid,
    pub version: i32,
    pub level: VerdictLevel,
    /// The level in Norwegian, for people.
    pub level_label: String,
    pub summary: String,
    pub published_at: DateTime<Utc>,
    pub review_due: Option<NaiveDate>,
    /// The review date has passed: the verdict may no longer reflect the
    /// tool, its terms or its subprocessors.
    pub review_overdue: bool,
    pub mandatory_conditions: Vec<Condition>,
}

impl VerdictSummary {
    fn of(v: &VerdictVersion, today: NaiveDate) -> Self {
        Self {
            assessment_id: v.assessment_id,
            version: v.version,
            level: v.content.level,
            level_label: v.content.level.label_nb().to_string(),
            summary: v.content.summary.clone(),
            published_at: v.published_at,
            review_due: v.content.review_due,
            review_overdue: v.content.review_due.is_some_and(|due| due < today),
            mandatory_conditions: v.content.mandatory_conditions().cloned().collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolBody {
    #[serde(flatten)]
    pub tool: Tool,
    pub vendor: VendorRef,
    /// Absent when no verdict is in force (never assessed, or withdrawn).
    pub current_verdict: Option<VerdictSummary>,
}

fn tool_body(conn: &mut DbConnection, t: Tool) -> Result<ToolBody, Problem> {
    tool_bodies(conn, vec![t])?
        .pop()
        .ok_or_else(Problem::internal)
}

/// Bodies for a page of tools with two queries in all, not two per tool.
fn tool_bodies(conn: &mut DbConnection, tools: Vec<Tool>) -> Result<Vec<ToolBody>, Problem> {
    let mut vendor_ids: Vec<Uuid> = tools.iter().map(|t| t.input.vendor_id).collect();
    vendor_ids.sort();
    vendor_ids.dedup();
    let vendors: std::collections::HashMap<Uuid, String> =
        organisation::get_many(conn, &vendor_ids)?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
    let ids: Vec<Uuid> = tools.iter().map(|t| t.id).collect();
    let current = verdict_version::current_for_tools(conn, &ids)?;
    let today = Utc::now().date_naive();
    Ok(tools
        .into_iter()
        .map(|t| ToolBody {
            vendor: VendorRef {
                id: t.input.vendor_id,
                name: vendors.get(&t.input.vendor_id).cloned().unwrap_or_default(),
            },
            current_verdict: current.get(&t.id).map(|v| VerdictSummary::of(v, today)),
            tool: t,
        })
        .collect())
}

/// In what capacity a caller edits a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editor {
    /// An admin or a reviewer of a registered reviewing organisation: any
    /// field.
    Reviewer,
    /// The tool's own vendor: descriptive fields only.
    Vendor,
}

/// Reviewers and admins edit any tool; a vendor only its own organisation's,
/// matched on the token's `org` claim against the vendor's org number.
fn may_edit_tools_of(
    conn: &mut DbConnection,
    caller: &Caller,
    vendor_id: Uuid,
) -> Result<Editor, Problem> {
    // The `AsToolEditor` extractor has already turned anonymous callers away.
    if caller.require(Who::Admin).is_ok() {
        return Ok(Editor::Reviewer);
    }
    if caller.require(Who::Reviewer).is_ok() {
        crate::access::acting_org(conn, caller, toolreg_auth::Role::Reviewer)?;
        return Ok(Editor::Reviewer);
    }
    let vendor = organisation::get(conn, vendor_id)?;
    if caller.is_vendor_of(vendor.org_number.as_deref()) {
        Ok(Editor::Vendor)
    } else {
        Err(crate::access::forbidden())
    }
}

impl Editor {
    /// How the tool's history names the capacity.
    fn label(self, caller: &Caller) -> &'static str {
        match self {
            Editor::Vendor => "vendor",
            Editor::Reviewer if caller.require(Who::Reviewer).is_ok() => "reviewer",
            Editor::Reviewer => "admin",
        }
    }
}

/// 403 naming each field a vendor tried to set that only a reviewer may.
fn reviewed_fields_problem(fields: &[&str]) -> Problem {
    let mut p = crate::access::forbidden_because(
        "Leverandører kan selv endre navn, beskrivelse, nettsted, plattformer og pris. \
         Fakta en vurdering bygger på (personopplysninger, Feide-attributter, KI-funksjoner, \
         innlogging, alderstrinn, kategorier og identitet) endres bare av en vurderer.",
    );
    p.errors = fields
        .iter()
        .map(|f| toolreg_core::Violation {
            pointer: format!("/{f}"),
            message: "kan bare endres av en vurderer".into(),
        })
        .collect();
    p
}

/// Read something about the tool named by `key` (id or slug) and answer
/// with it as JSON, with an ETag and 304 on revalidation.
async fn read_tool_json<T, F>(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    key: String,
    policy: CachePolicy,
    read: F,
) -> Result<HttpResponse, Problem>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection, Tool) -> Result<T, Problem> + Send + 'static,
{
    if let Some(redirect) = canonical_slug_redirect(req, &key) {
        return Ok(redirect);
    }
    let value = with_db(state, move |conn| {
        let t = find(conn, &key)?;
        read(conn, t)
    })
    .await?;
    Ok(json_response(req, &value, policy))
}

/// Slugs are lower case; `/tools/Kahoot` is a person typing, not another
/// tool: 308 to the canonical address (the rest of the path and the query
/// kept).
fn canonical_slug_redirect(req: &HttpRequest, key: &str) -> Option<HttpResponse> {
    if !key.bytes().any(|b| b.is_ascii_uppercase()) || Uuid::parse_str(key).is_ok() {
        return None;
    }
    let segment = format!("/tools/{key}");
    // Only a key as it stands in the raw path (no escapes) can be rewritten
    // without risk of pointing back at itself.
    if !req.path().contains(&segment) {
        return None;
    }
    let path = req
        .path()
        .replacen(&segment, &format!("/tools/{}", key.to_ascii_lowercase()), 1);
    let location = match req.query_string() {
        "" => path,
        q => format!("{path}?{q}"),
    };
    Some(
        HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, location))
            .finish(),
    )
}

fn find(conn: &mut DbConnection, key: &str) -> Result<Tool, Problem> {
    Ok(tool::get_by_id_or_slug(conn, key)?)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ToolQuery {
    /// Only tools of this vendor (organisation id).
    pub vendor: Option<Uuid>,
    /// Category key, e.g. `quiz`.
    pub category: Option<String>,
    pub age_band: Option<AgeBand>,
    pub login_method: Option<LoginMethod>,
    /// Level of the verdict in force.
    pub verdict_level: Option<VerdictLevel>,
    /// Whether the latest subprocessor revision sends data outside the EEA.
    pub has_third_country_transfer: Option<bool>,
    pub processes_personal_data: Option<ProcessesPersonalData>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    #[param(max_length = 1024)]
    pub cursor: Option<String>,
}

/// List tools, filtered, ordered by name.
#[utoipa::path(
    tag = "tools",
    params(ToolQuery),
    responses(
        (status = 200, description = "A page of tools", body = ListBody<ToolBody>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools")]
pub async fn list_tools(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: crate::query::QueryParams<ToolQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = ToolFilter {
        vendor_id: q.vendor,
        category: q.category,
        age_band: q.age_band,
        login_method: q.login_method,
        processes_personal_data: q.processes_personal_data,
        verdict_level: q.verdict_level,
        has_third_country_transfer: q.has_third_country_transfer,
    };
    let key = format!("{}?{}", req.path(), req.query_string());
    let next_cursor = |body: &ListBody<ToolBody>| body.next_cursor.clone();
    let cached = cached_json(&state, key, next_cursor, move |conn| {
        let found = tool::list(conn, &filter, &page)?;
        let items = tool_bodies(conn, found.items)?;
        Ok(ListBody {
            items,
            next_cursor: found.next.as_ref().map(encode_cursor),
        })
    })
    .await?;
    let mut resp = respond(&req, cached.body, cached.etag, CachePolicy::Revalidate);
    if let Some(next) = &cached.next_cursor {
        if let Ok(v) =
            header::HeaderValue::from_str(&next_link(req.path(), req.query_string(), next))
        {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(resp)
}

/// One tool, by id or slug, with the verdict in force.
#[utoipa::path(
    tag = "tools",
    params(("id_or_slug" = String, Path, description = "Tool id (UUID) or slug", example = "kahoot")),
    responses(
        (status = 200, description = "The tool", body = ToolBody, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}")]
pub async fn get_tool(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    if let Some(redirect) = canonical_slug_redirect(&req, &key) {
        return Ok(redirect);
    }
    let cached = cached_json(
        &state,
        req.path().to_string(),
        |_: &ToolBody| None,
        move |conn| {
            let t = find(conn, &key)?;
            tool_body(conn, t)
        },
    )
    .await?;
    Ok(respond(
        &req,
        cached.body,
        cached.etag,
        CachePolicy::Revalidate,
    ))
}

/// Serve from the response cache when the store generation says it is
/// current; otherwise build, cache and serve.
async fn cached_json<T, F>(
    state: &web::Data<AppState>,
    key: String,
    next_cursor: fn(&T) -> Option<String>,
    build: F,
) -> Result<Cached, Problem>
where
    T: Serialize + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, Problem> + Send + 'static,
{
    let cache = state.cache.clone();
    // Bodies say whether a review date has passed, which changes with the
    // day and not with the store: the day is part of the key.
    let key = format!("{}|{key}", Utc::now().date_naive());
    with_db(state, move |conn| {
        let generation = toolreg_store::generation::current(conn)?;
        if let Some(hit) = cache.get(&key, generation) {
            return Ok(hit);
        }
        let value = build(conn)?;
        let body = serde_json::to_vec(&value).map_err(|_| Problem::internal())?;
        let fresh = Cached {
            generation,
            etag: etag_of_bytes(&body),
            body: body.into(),
            next_cursor: next_cursor(&value),
        };
        cache.put(key, fresh.clone());
        Ok(fresh)
    })
    .await
}

/// Register a tool.
#[utoipa::path(
    tag = "tools",
    request_body(content = ToolInput, example = json!({
        "slug": "kahoot", "name": "Kahoot!", "vendor_id": "0190f3a4-1c2b-7d3e-8f40-123456789abc",
        "summary": "Quiz", "categories": ["quiz"], "age_bands": ["grades_5_7"], "login_methods": ["feide"],
        "processes_personal_data": "yes", "personal_data_basis": ["account", "ip"]
    })),
    responses(
        (status = 201, description = "Created", body = ToolBody, headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Vendor not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tools")]
pub async fn create_tool(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsToolEditor(caller): AsToolEditor,
    body: JsonBody<ToolInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let request_id = crate::audit::request_id(&req);
    let created = with_db(&state, move |conn| {
        crate::audit::audited(
            conn,
            &caller,
            &request_id,
            "tool.create",
            |t: &ToolBody| format!("tools/{}", t.tool.id),
            |conn| {
                let editor = may_edit_tools_of(conn, &caller, input.vendor_id)?;
                if editor == Editor::Vendor {
                    let facts = input.reviewed_changes(&input.unassessed());
                    if !facts.is_empty() {
                        return Err(reviewed_fields_problem(&facts));
                    }
                }
                let t = tool::insert(
                    conn,
                    Uuid::now_v7(),
                    &input,
                    toolreg_store::time::now(),
                    editor.label(&caller),
                )?;
                tool_body(conn, t)
            },
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/tools/{}", created.tool.id),
        ))
        .insert_header(etag_header(&etag_of(&created)))
        .json(created))
}

/// Replace a tool. Needs `If-Match` with the ETag from `GET /tools/{id}`.
#[utoipa::path(
    tag = "tools",
    params(
        ("id_or_slug" = String, Path, description = "Tool id or slug"),
        ("If-Match" = String, Header, description = "ETag of the tool as last read"),
    ),
    request_body = ToolInput,
    responses(
        (status = 200, description = "Updated", body = ToolBody, headers(("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tool or vendor", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/tools/{id_or_slug}")]
pub async fn update_tool(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsToolEditor(caller): AsToolEditor,
    path: web::Path<String>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<ToolInput>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    let input = body.0;
    let request_id = crate::audit::request_id(&req);
    let updated = with_db(&state, move |conn| {
        crate::audit::audited(
            conn,
            &caller,
            &request_id,
            "tool.update",
            |t: &ToolBody| format!("tools/{}", t.tool.id),
            |conn| {
                let current = find(conn, &key)?;
                let editor = may_edit_tools_of(conn, &caller, current.input.vendor_id)?;
                if editor == Editor::Vendor {
                    let facts = input.reviewed_changes(&current.input);
                    if !facts.is_empty() {
                        return Err(reviewed_fields_problem(&facts));
                    }
                }
                let revision = current.revision;
                let id = current.id;
                check_if_match(&if_match, &etag_of(&tool_body(conn, current)?))?;
                let t = tool::update(
                    conn,
                    id,
                    &input,
                    Some(revision),
                    toolreg_store::time::now(),
                    editor.label(&caller),
                )?;
                tool_body(conn, t)
            },
        )
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(&etag_of(&updated)))
        .json(updated))
}

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
    params(("id_or_slug" = String, Path, description = "Tool id or slug")),
    responses(
        (status = 200, description = "History", body = Vec<HistoryItem>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/verdicts")]
pub async fn verdict_history(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
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
        },
    )
    .await
}

/// One published verdict version, complete. Immutable: cache it forever.
#[utoipa::path(
    tag = "verdicts",
    params(
        ("id_or_slug" = String, Path, description = "Tool id or slug"),
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
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, Problem> {
    let (key, assessment, version) = path.into_inner();
    let assessment_id = super::parse_id("assessment_id", &assessment)?;
    let version: i32 = version.parse().map_err(|_| {
        Problem::invalid_input("/version", format!("«{version}» er ikke et versjonsnummer"))
    })?;
    read_tool_json(&req, &state, key, CachePolicy::Immutable, move |conn, t| {
        let a = toolreg_store::assessment::get(conn, assessment_id)?;
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
    params(("id_or_slug" = String, Path, description = "Tool id or slug"), AsOfQuery),
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
    path: web::Path<String>,
    query: crate::query::QueryParams<AsOfQuery>,
) -> Result<HttpResponse, Problem> {
    let at = parse_time("as_of", &query.as_of)?;
    let key = path.into_inner();
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            verdict_version::as_of(conn, t.id, at)?.ok_or_else(|| {
                Problem::not_found(format!(
                    "Ingen konklusjon gjaldt for verktøyet på tidspunktet {}.",
                    at.to_rfc3339()
                ))
            })
        },
    )
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

fn parse_ref(name: &str, raw: &str) -> Result<(Uuid, i32), Problem> {
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
    params(("id_or_slug" = String, Path, description = "Tool id or slug"), DiffQuery),
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
    path: web::Path<String>,
    query: crate::query::QueryParams<DiffQuery>,
) -> Result<HttpResponse, Problem> {
    let from = parse_ref("from", &query.from)?;
    let to = parse_ref("to", &query.to)?;
    let key = path.into_inner();
    let (from_text, to_text) = (query.from.clone(), query.to.clone());
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            let load =
                |conn: &mut DbConnection, (a, v): (Uuid, i32)| -> Result<VerdictVersion, Problem> {
                    let assessment = toolreg_store::assessment::get(conn, a)?;
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
        },
    )
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubprocessorTreeBody {
    pub tool_id: Uuid,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub note: String,
    pub source_url: Option<String>,
    pub summary: SubprocessorSummary,
    pub tree: Vec<SubprocessorNode>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// An older revision; the latest when absent.
    pub revision: Option<i32>,
}

/// The subprocessor chain of a tool as a tree, with derived third countries.
#[utoipa::path(
    tag = "subprocessors",
    params(("id_or_slug" = String, Path, description = "Tool id or slug"), RevisionQuery),
    responses(
        (status = 200, description = "The chain", body = SubprocessorTreeBody, headers(("ETag" = String))),
        (status = 404, description = "No such tool or revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors")]
pub async fn subprocessors(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: crate::query::QueryParams<RevisionQuery>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    let wanted = query.revision;
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            let r = match wanted {
                Some(n) => subprocessor_revision::get(conn, t.id, n)?,
                None => subprocessor_revision::latest(conn, t.id)?.ok_or_else(|| {
                    Problem::not_found("Verktøyet har ingen registrerte underdatabehandlere.")
                })?,
            };
            Ok(SubprocessorTreeBody {
                tool_id: t.id,
                revision: r.revision,
                created_at: r.created_at,
                note: r.note,
                source_url: r.source_url,
                summary: summarise(&r.entries),
                tree: build_tree(&r.entries),
            })
        },
    )
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionItem {
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub note: String,
    pub summary: SubprocessorSummary,
}

/// All subprocessor revisions of a tool, oldest first.
#[utoipa::path(
    tag = "subprocessors",
    params(("id_or_slug" = String, Path, description = "Tool id or slug")),
    responses(
        (status = 200, description = "Revisions", body = Vec<RevisionItem>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors/revisions")]
pub async fn subprocessor_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            Ok(subprocessor_revision::list(conn, t.id)?
                .into_iter()
                .map(|r| RevisionItem {
                    revision: r.revision,
                    created_at: r.created_at,
                    created_by: r.created_by,
                    note: r.note,
                    summary: summarise(&r.entries),
                })
                .collect::<Vec<_>>())
        },
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionDiffQuery {
    pub from: i32,
    pub to: i32,
}

/// What changed between two subprocessor revisions, entry by entry.
#[utoipa::path(
    tag = "subprocessors",
    params(("id_or_slug" = String, Path, description = "Tool id or slug"), RevisionDiffQuery),
    responses(
        (status = 200, description = "Diff", body = SubprocessorDiff),
        (status = 400, description = "Bad revision numbers", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such revision", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/subprocessors/diff")]
pub async fn subprocessor_diff(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: crate::query::QueryParams<RevisionDiffQuery>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    let (from, to) = (query.from, query.to);
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            let a = subprocessor_revision::get(conn, t.id, from)?;
            let b = subprocessor_revision::get(conn, t.id, to)?;
            Ok(diff_subprocessors(&a.entries, &b.entries))
        },
    )
    .await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DataFlowsBody {
    pub assessment_id: Uuid,
    pub version: i32,
    pub data_flows: Vec<DataFlow>,
}

/// Data flows from the verdict in force.
#[utoipa::path(
    tag = "tools",
    params(("id_or_slug" = String, Path, description = "Tool id or slug")),
    responses(
        (status = 200, description = "Data flows", body = DataFlowsBody, headers(("ETag" = String))),
        (status = 404, description = "No such tool, or no verdict in force", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/data-flows")]
pub async fn data_flows(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            let v = verdict_version::current(conn, t.id)?
                .ok_or_else(|| Problem::not_found("Verktøyet har ingen gjeldende konklusjon."))?;
            Ok(DataFlowsBody {
                assessment_id: v.assessment_id,
                version: v.version,
                data_flows: v.content.data_flows,
            })
        },
    )
    .await
}

/// Every state the tool has had, newest first: what changed, when, and in
/// what capacity (vendor, reviewer, admin, import). Who exactly is in the
/// audit trail.
#[utoipa::path(
    tag = "tools",
    params(("id_or_slug" = String, Path, description = "Tool id or slug")),
    responses(
        (status = 200, description = "The tool's history", body = Vec<ToolRevision>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/revisions")]
pub async fn tool_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let key = path.into_inner();
    read_tool_json(
        &req,
        &state,
        key,
        CachePolicy::Revalidate,
        move |conn, t| {
            // A tool changes rarely; a thousand states is years of history.
            Ok(toolreg_store::tool_revision::list(conn, t.id, 1000)?)
        },
    )
    .await
}
