//! Search and suggestions over the search index (tantivy or Meilisearch,
//! kept in step with the event log by the indexer; never written here).

use crate::pagination::with_next_link;
use crate::problem::Problem;
use crate::state::{AppState, SearchState};
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toolreg_core::tool::{AgeBand, LoginMethod, Platform, ProcessesPersonalData};
use toolreg_core::verdict::VerdictLevel;
use toolreg_search::document::IndexedVerdict;
use toolreg_search::highlight::{Highlight, Highlighter};
use toolreg_search::norwegian::WordStemmer;
use toolreg_search::query::{
    Facet, SearchQuery, SortOrder, ThirdCountryTransfer, MAX_DEPTH, MAX_SUGGESTIONS,
};
use toolreg_search::{SearchDocument, SearchIndex};
use uuid::Uuid;

/// Longest query text, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// Most values of one filter parameter.
const MAX_FILTER_VALUES: usize = 20;
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 50;

/// What `GET /search` accepts. Filters may be repeated (`?age_band=a&age_band=b`):
/// values of one filter are alternatives, different filters all apply.
#[derive(Debug, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, as typed: typos are forgiven (one from 4 letters, two
    /// from 8), the last word may be unfinished, Norwegian inflections
    /// match. Empty or absent: every tool that passes the filters, by name.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Level of the verdict in force (`not_assessed` when none is).
    #[param(style = Form, explode, max_items = 20)]
    pub verdict_level: Vec<VerdictLevel>,
    /// Category key, e.g. `quiz`.
    #[param(style = Form, explode, schema_with = category_values)]
    pub category: Vec<String>,
    #[param(style = Form, explode, max_items = 20)]
    pub age_band: Vec<AgeBand>,
    #[param(style = Form, explode, max_items = 20)]
    pub login_method: Vec<LoginMethod>,
    #[param(style = Form, explode, max_items = 20)]
    pub platform: Vec<Platform>,
    /// Whether personal data leaves the EEA (latest subprocessor revision).
    #[param(style = Form, explode, max_items = 20)]
    pub third_country: Vec<ThirdCountryTransfer>,
    /// Vendor (organisation id).
    #[param(style = Form, explode, max_items = 20)]
    pub vendor: Vec<Uuid>,
    #[param(style = Form, explode, max_items = 20)]
    pub processes_personal_data: Vec<ProcessesPersonalData>,
    /// Facets to count among the matching tools, comma-separated or repeated.
    #[param(style = Form, explode)]
    pub facets: Vec<Facet>,
    /// `relevance` (default; by name when `q` is empty) or `name`.
    pub sort: Option<SortOrder>,
    /// Hits per page, 1–50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    #[param(max_length = 64)]
    pub cursor: Option<String>,
}

/// The `category` filter's values: like a tool's category keys, 1–100
/// characters each, at most `MAX_FILTER_VALUES` of them.
fn category_values() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(100)),
        )
        .max_items(Some(MAX_FILTER_VALUES))
        .build()
}

fn bad(param: &str, message: impl Into<String>) -> Problem {
    Problem::invalid_input(format!("/{param}"), message)
}

fn push<T: std::str::FromStr>(list: &mut Vec<T>, param: &str, raw: &str) -> Result<(), Problem>
where
    T::Err: std::fmt::Display,
{
    if list.len() >= MAX_FILTER_VALUES {
        return Err(bad(param, format!("høyst {MAX_FILTER_VALUES} verdier")));
    }
    list.push(raw.parse().map_err(|e: T::Err| bad(param, e.to_string()))?);
    Ok(())
}

impl SearchParams {
    /// Read the query string; unknown parameters are ignored, as on every
    /// list.
    pub fn parse(query: &str) -> Result<Self, Problem> {
        let mut p = Self::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let v = value.as_ref();
            match key.as_ref() {
                "q" => {
                    if v.chars().count() > MAX_QUERY_CHARS {
                        return Err(bad("q", format!("høyst {MAX_QUERY_CHARS} tegn")));
                    }
                    p.q = Some(v.to_string());
                }
                "verdict_level" => push(&mut p.verdict_level, "verdict_level", v)?,
                "category" => {
                    if v.is_empty() || v.chars().count() > 100 {
                        return Err(bad("category", "en kategori har 1–100 tegn"));
                    }
                    push(&mut p.category, "category", v)?
                }
                "age_band" => push(&mut p.age_band, "age_band", v)?,
                "login_method" => push(&mut p.login_method, "login_method", v)?,
                "platform" => push(&mut p.platform, "platform", v)?,
                "third_country" => push(&mut p.third_country, "third_country", v)?,
                "vendor" => push(&mut p.vendor, "vendor", v)
                    .map_err(|_| bad("vendor", format!("«{v}» er ikke en gyldig id (UUID)")))?,
                "processes_personal_data" => {
                    push(&mut p.processes_personal_data, "processes_personal_data", v)?
                }
                "facets" => {
                    // An empty name is no facet: the contract lists the
                    // names, so `facets=` or `facets=a,,b` is refused.
                    for name in v.split(',') {
                        if name.is_empty() {
                            return Err(bad("facets", "tomt fasettnavn"));
                        }
                        let facet: Facet =
                            name.parse().map_err(|e| bad("facets", format!("{e}")))?;
                        if !p.facets.contains(&facet) {
                            p.facets.push(facet);
                        }
                    }
                }
                "sort" => p.sort = Some(v.parse().map_err(|e| bad("sort", format!("{e}")))?),
                "limit" => {
                    let limit = v
                        .parse::<u32>()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT as u32).contains(l));
                    p.limit = Some(limit.ok_or_else(|| {
                        bad("limit", format!("limit må være fra 1 til {MAX_LIMIT}"))
                    })?);
                }
                "cursor" => p.cursor = Some(v.to_string()),
                _ => {}
            }
        }
        Ok(p)
    }

    fn into_query(self) -> Result<SearchQuery, Problem> {
        let limit = self.limit.map_or(DEFAULT_LIMIT, |l| l as usize);
        let offset = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => decode_cursor(c)?,
            None => 0,
        };
        let filters: BTreeMap<Facet, Vec<String>> = [
            (Facet::VerdictLevel, codes(&self.verdict_level)),
            (Facet::Category, self.category),
            (Facet::AgeBand, codes(&self.age_band)),
            (Facet::LoginMethod, codes(&self.login_method)),
            (Facet::Platform, codes(&self.platform)),
            (Facet::ThirdCountry, codes(&self.third_country)),
            (Facet::Vendor, codes(&self.vendor)),
            (
                Facet::ProcessesPersonalData,
                codes(&self.processes_personal_data),
            ),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .collect();
        Ok(SearchQuery {
            text: self.q.unwrap_or_default(),
            filters,
            facets: self.facets,
            sort: self.sort.unwrap_or(SortOrder::Relevance),
            limit,
            offset,
        })
    }
}

/// Filter values as the index holds them: the codes of enums, ids as text.
fn codes<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

#[derive(Serialize, Deserialize)]
struct SearchCursor {
    offset: usize,
}

fn encode_cursor(offset: usize) -> String {
    let json = serde_json::to_vec(&SearchCursor { offset }).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(cursor: &str) -> Result<usize, Problem> {
    Some(cursor)
        .filter(|c| c.len() <= 64)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|bytes| serde_json::from_slice::<SearchCursor>(&bytes).ok())
        .map(|c| c.offset)
        .filter(|offset| *offset < MAX_DEPTH)
        .ok_or_else(|| {
            bad(
                "cursor",
                "ugyldig cursor: bruk next_cursor fra forrige side uendret",
            )
        })
}

/// A tool as a search hit shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchTool {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub vendor_id: Uuid,
    pub vendor_name: String,
    pub summary: String,
    pub categories: Vec<String>,
    pub age_bands: Vec<AgeBand>,
    pub login_methods: Vec<LoginMethod>,
    pub platforms: Vec<Platform>,
    pub processes_personal_data: ProcessesPersonalData,
    pub third_country: ThirdCountryTransfer,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHitBody {
    pub tool: SearchTool,
    /// The verdict in force; null when none is.
    pub verdict: Option<IndexedVerdict>,
    /// Relevance; only its order means anything. Null when sorted by name.
    pub score: Option<f32>,
    /// The fields that matched, name first.
    pub highlights: Vec<Highlight>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
    /// Text for people, where the value is a code: the vendor's name, the
    /// verdict level in Norwegian.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResponse {
    pub items: Vec<SearchHitBody>,
    /// Matching tools; exact up to 1000.
    pub estimated_total: u64,
    /// Per requested facet, its values among all matching tools, most
    /// frequent first (at most 100).
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Pass as `cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
}

fn parsed<T: std::str::FromStr>(values: &[String]) -> Vec<T> {
    values.iter().filter_map(|v| v.parse().ok()).collect()
}

fn hit_body(doc: SearchDocument, score: Option<f32>, highlights: Vec<Highlight>) -> SearchHitBody {
    SearchHitBody {
        tool: SearchTool {
            age_bands: parsed(&doc.age_bands),
            login_methods: parsed(&doc.login_methods),
            platforms: parsed(&doc.platforms),
            processes_personal_data: doc
                .processes_personal_data
                .parse()
                .unwrap_or(ProcessesPersonalData::Unknown),
            third_country: doc
                .third_country
                .parse()
                .unwrap_or(ThirdCountryTransfer::Unknown),
            id: doc.id,
            slug: doc.slug,
            name: doc.name,
            vendor_id: doc.vendor_id,
            vendor_name: doc.vendor_name,
            summary: doc.summary,
            categories: doc.categories,
        },
        verdict: doc.verdict,
        score,
        highlights,
    }
}

fn search_state(state: &AppState) -> Result<&SearchState, Problem> {
    state
        .search
        .as_ref()
        .ok_or_else(|| Problem::unavailable("Søket er ikke satt opp på denne tjenesten."))
}

fn unavailable(e: toolreg_search::SearchError) -> Problem {
    tracing::warn!(error = %e, "search failed");
    Problem::unavailable("Søket svarer ikke akkurat nå. Prøv igjen om litt.")
}

/// Names for the vendor ids among facet values, from the store.
async fn vendor_labels(
    state: &web::Data<AppState>,
    ids: Vec<Uuid>,
) -> Result<BTreeMap<String, String>, Problem> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    crate::blocking::with_db(state, move |conn| {
        Ok(toolreg_store::tables::organisation::get_many(conn, &ids)?
            .into_iter()
            .map(|o| (o.id.to_string(), o.name))
            .collect())
    })
    .await
}

/// Search tools: words with typos, Norwegian inflections and synonyms, filters and facet counts.
#[utoipa::path(
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Hits, best first, with highlights and facet counts", body = SearchResponse,
         headers(("Link" = String, description = "rel=\"next\" when more hits follow")),
         example = json!({
            "items": [{
                "tool": {"id": "0190f3a2-7c1e-7000-8000-000000000001", "slug": "kahoot", "name": "Kahoot!",
                         "vendor_id": "0190f3a2-7c1e-7000-8000-000000000002", "vendor_name": "Kahoot ASA",
                         "summary": "Quiz og spørrekonkurranser", "categories": ["quiz"], "age_bands": ["grades_5_7"],
                         "login_methods": ["feide"], "platforms": ["web"], "processes_personal_data": "yes",
                         "third_country": "yes"},
                "verdict": {"assessment_id": "0190f3a2-7c1e-7000-8000-000000000003", "version": 2,
                            "level": "approved_with_conditions", "published_at": "2026-09-01T10:00:00Z"},
                "score": 14.2,
                "highlights": [{"field": "name", "fragment": "Kahoot!", "matches": [[0, 6]]}]
            }],
            "estimated_total": 1,
            "facets": {"verdict_level": [{"value": "approved_with_conditions", "count": 1, "label": "Godkjent med vilkår"}]},
            "next_cursor": null
         })),
        (status = 400, description = "A bad parameter, named in the problem", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let query = SearchParams::parse(req.query_string())?.into_query()?;
    let service = search_state(&state)?;
    let found = service.index.search(&query).await.map_err(unavailable)?;
    let terms = toolreg_search::terms::parse(&query.text, &mut WordStemmer::default());
    let mut highlighter = Highlighter::new(&terms);
    let shown = query.offset + found.hits.len();
    let more = found.hits.len() == query.limit
        && (shown as u64) < found.estimated_total
        && shown < MAX_DEPTH;
    let vendor_ids: Vec<Uuid> = found
        .facets
        .get(&Facet::Vendor)
        .map(|values| values.iter().filter_map(|v| v.value.parse().ok()).collect())
        .unwrap_or_default();
    let vendors = vendor_labels(&state, vendor_ids).await?;
    let facets = found
        .facets
        .into_iter()
        .map(|(facet, values)| {
            let counts = values
                .into_iter()
                .map(|v| FacetCount {
                    label: match facet {
                        Facet::Vendor => vendors.get(&v.value).cloned(),
                        Facet::VerdictLevel => v
                            .value
                            .parse::<VerdictLevel>()
                            .ok()
                            .map(|l| l.label_nb().to_string()),
                        _ => None,
                    },
                    value: v.value,
                    count: v.count,
                })
                .collect();
            (facet.as_str().to_string(), counts)
        })
        .collect();
    let body = SearchResponse {
        items: found
            .hits
            .into_iter()
            .map(|hit| {
                let marked = highlighter.highlights(&hit.document);
                hit_body(hit.document, hit.score, marked)
            })
            .collect(),
        estimated_total: found.estimated_total,
        facets,
        next_cursor: more.then(|| encode_cursor(shown)),
    };
    let resp = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(&body);
    let next = body.next_cursor.as_deref().map(|c| ("cursor", c));
    Ok(with_next_link(resp, &req, next))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// What has been typed so far.
    #[param(max_length = 100)]
    pub q: String,
    /// Most names, 1–8 (default 8).
    #[param(minimum = 1, maximum = 8)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionBody {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestResponse {
    pub items: Vec<SuggestionBody>,
}

/// Tool names for a search box, best first: cheap enough for every keystroke.
#[utoipa::path(
    tag = "search",
    params(SuggestParams),
    responses(
        (status = 200, description = "Up to 8 tool names", body = SuggestResponse,
         example = json!({"items": [{"id": "0190f3a2-7c1e-7000-8000-000000000001", "slug": "kahoot", "name": "Kahoot!"}]})),
        (status = 400, description = "A bad parameter, named in the problem", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search/suggest")]
pub async fn suggest(
    state: web::Data<AppState>,
    params: crate::query::QueryParams<SuggestParams>,
) -> Result<HttpResponse, Problem> {
    let params = params.into_inner();
    if params.q.chars().count() > 100 {
        return Err(bad("q", "høyst 100 tegn"));
    }
    let limit = match params.limit {
        None => MAX_SUGGESTIONS,
        Some(l) if (1..=MAX_SUGGESTIONS as u32).contains(&l) => l as usize,
        Some(_) => {
            return Err(bad(
                "limit",
                format!("limit må være fra 1 til {MAX_SUGGESTIONS}"),
            ))
        }
    };
    let service = search_state(&state)?;
    let found = service
        .index
        .suggest(&params.q, limit)
        .await
        .map_err(unavailable)?;
    let body = SuggestResponse {
        items: found
            .into_iter()
            .map(|s| SuggestionBody {
                id: s.id,
                slug: s.slug,
                name: s.name,
            })
            .collect(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(query: &str) -> Option<String> {
        SearchParams::parse(query)
            .and_then(SearchParams::into_query)
            .err()
            .map(|p| p.errors[0].pointer.clone())
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(pointer("age_band=baby").as_deref(), Some("/age_band"));
        assert_eq!(
            pointer("facets=verdict_level,colour").as_deref(),
            Some("/facets")
        );
        assert_eq!(pointer("facets=").as_deref(), Some("/facets"));
        assert_eq!(
            pointer("facets=vendor,,age_band").as_deref(),
            Some("/facets")
        );
        assert_eq!(pointer("limit=0").as_deref(), Some("/limit"));
        assert_eq!(pointer("cursor=xyz").as_deref(), Some("/cursor"));
        assert_eq!(pointer("vendor=acme").as_deref(), Some("/vendor"));
        assert_eq!(
            pointer(&format!("q={}", "a".repeat(201))).as_deref(),
            Some("/q")
        );
    }

    #[test]
    fn repeated_filters_are_alternatives_and_cursors_round_trip() {
        let q = SearchParams::parse(&format!(
            "q=kahoot&age_band=grades_1_4&age_band=grades_5_7&facets=vendor,age_band&cursor={}",
            encode_cursor(40)
        ))
        .and_then(SearchParams::into_query)
        .ok();
        let q = q.expect("valid");
        assert_eq!(q.filters[&Facet::AgeBand], ["grades_1_4", "grades_5_7"]);
        assert_eq!(q.facets, [Facet::Vendor, Facet::AgeBand]);
        assert_eq!(q.offset, 40);
    }
}
