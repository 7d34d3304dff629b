//! Tools: list and read, register and change, a tool's own history and the
//! data flows of its verdict in force. Verdicts and subprocessors of a tool
//! have files of their own.

use crate::access::tool_editor::{may_edit_tools_of, Editor};
use crate::access::AsToolEditor;
use crate::blocking::with_db;
use crate::caching::{check_if_match, etag_header, etag_of, respond, CachePolicy, IfMatch};
use crate::json_body::JsonBody;
use crate::pagination::{encode_cursor, with_next_link, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::response_cache::cached_json;
use crate::state::AppState;
use crate::tool_body::{tool_bodies, tool_body, tool_body_by_key, ToolBody};
use crate::tool_path::ToolPath;
use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use toolreg_core::data_flow::DataFlow;
use toolreg_core::ids::ToolId;
use toolreg_core::tool::{AgeBand, LoginMethod, ProcessesPersonalData, ToolInput, ToolRevision};
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::ops;
use toolreg_store::read_model;
use toolreg_store::tables::tool::ToolFilter;
use toolreg_store::tables::verdict_version;
use uuid::Uuid;

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
}

/// List tools, filtered, ordered by name.
#[utoipa::path(
    tag = "tools",
    params(ToolQuery, PageParams),
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
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let q = query.into_inner();
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
        let found = read_model::list(conn, &filter, &page)?;
        Ok(ListBody {
            items: tool_bodies(found.items),
            next_cursor: found.next.as_ref().map(encode_cursor),
        })
    })
    .await?;
    let resp = respond(&req, cached.body, cached.etag, CachePolicy::Revalidate);
    let next = cached.next_cursor.as_deref().map(|c| ("cursor", c));
    Ok(with_next_link(resp, &req, next))
}

/// One tool, by id or slug, with the verdict in force.
#[utoipa::path(
    tag = "tools",
    params(ToolPath),
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
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    if let Some(redirect) = tool.canonical_redirect() {
        return Ok(redirect);
    }
    let cached = cached_json(
        &state,
        req.path().to_string(),
        |_: &ToolBody| None,
        move |conn| tool_body_by_key(conn, &tool.id_or_slug),
    )
    .await?;
    Ok(respond(
        &req,
        cached.body,
        cached.etag,
        CachePolicy::Revalidate,
    ))
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
    let ctx = crate::change_context::of(&req, &caller);
    let created = with_db(&state, move |conn| {
        let editor = may_edit_tools_of(conn, &caller, input.vendor_id)?;
        editor.check_fields(&input, &input.unassessed())?;
        let t = ops::tool::create(conn, &ctx, ToolId::new_v7(), &input, editor.label(&caller))?;
        tool_body(conn, t)
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
        ToolPath,
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
    tool: ToolPath,
    IfMatch(if_match): IfMatch,
    body: JsonBody<ToolInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    let ctx = crate::change_context::of(&req, &caller);
    let updated = with_db(&state, move |conn| {
        let current = tool.load(conn)?;
        let editor: Editor = may_edit_tools_of(conn, &caller, current.input.vendor_id)?;
        editor.check_fields(&input, &current.input)?;
        let (id, revision) = (current.id, current.revision);
        check_if_match(&if_match, &etag_of(&tool_body(conn, current)?))?;
        // The store writes only if the tool is still at the revision the
        // checks above were made against.
        let t = ops::tool::update(
            conn,
            &ctx,
            id.into(),
            &input,
            Some(revision),
            editor.label(&caller),
        )?;
        tool_body(conn, t)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag_header(&etag_of(&updated)))
        .json(updated))
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
    params(ToolPath),
    responses(
        (status = 200, description = "Data flows", body = DataFlowsBody, headers(("ETag" = String))),
        (status = 404, description = "No such tool, or no verdict in force", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/data-flows")]
pub async fn data_flows(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        let v = verdict_version::current(conn, t.id)?
            .ok_or_else(|| Problem::not_found("Verktøyet har ingen gjeldende konklusjon."))?;
        Ok(DataFlowsBody {
            assessment_id: v.assessment_id,
            version: v.version,
            data_flows: v.content.data_flows,
        })
    })
    .await
}

/// Every state the tool has had, newest first: what changed, when, and in
/// what capacity (vendor, reviewer, admin, import). Who exactly is in the
/// audit trail.
#[utoipa::path(
    tag = "tools",
    params(ToolPath),
    responses(
        (status = 200, description = "The tool's history", body = Vec<ToolRevision>, headers(("ETag" = String))),
        (status = 404, description = "No such tool", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tools/{id_or_slug}/revisions")]
pub async fn tool_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    tool: ToolPath,
) -> Result<HttpResponse, Problem> {
    tool.read_json(&req, &state, CachePolicy::Revalidate, move |conn, t| {
        // A tool changes rarely; a thousand states is years of history.
        Ok(toolreg_store::tables::tool_revision::list(
            conn, t.id, 1000,
        )?)
    })
    .await
}
