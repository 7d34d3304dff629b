//! `{id_or_slug}` in a tool route, as an extractor: handlers receive a
//! `ToolPath` and load the tool through it instead of resolving strings
//! themselves. A slug typed with capitals is answered with a 308 to the
//! canonical lower-case address by the reads ([`ToolPath::read_json`],
//! [`ToolPath::canonical_redirect`]) — after the handler has checked the
//! rest of the request, so a bad query is still 400, not a redirect to a
//! 400. Writes never redirect: their slug must be the tool's own.

use crate::blocking::with_db;
use crate::caching::{json_response, CachePolicy};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;
use std::future::{ready, Ready};
use toolreg_core::tool::Tool;
use toolreg_store::tables::tool;
use toolreg_store::DbConnection;
use uuid::Uuid;

/// The tool a route is about, by id (UUID) or slug.
#[derive(Debug, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ToolPath {
    /// Tool id (UUID) or slug.
    #[param(example = "kahoot")]
    pub id_or_slug: String,
    /// Where a capitalised slug's canonical address is.
    #[param(ignore)]
    canonical: Option<String>,
}

impl ToolPath {
    /// 308 to the canonical address, when the slug was typed with capitals.
    pub fn canonical_redirect(&self) -> Option<HttpResponse> {
        self.canonical.as_ref().map(|location| {
            HttpResponse::PermanentRedirect()
                .insert_header((header::LOCATION, location.clone()))
                .finish()
        })
    }

    /// The tool, or 404.
    pub fn load(&self, conn: &mut DbConnection) -> Result<Tool, Problem> {
        Ok(tool::get_by_id_or_slug(conn, &self.id_or_slug)?)
    }

    /// Read something about the tool and answer with it as JSON, with an
    /// ETag and 304 on revalidation.
    pub async fn read_json<T, F>(
        self,
        req: &HttpRequest,
        state: &web::Data<AppState>,
        policy: CachePolicy,
        read: F,
    ) -> Result<HttpResponse, Problem>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut DbConnection, Tool) -> Result<T, Problem> + Send + 'static,
    {
        if let Some(redirect) = self.canonical_redirect() {
            return Ok(redirect);
        }
        let value = with_db(state, move |conn| {
            let t = self.load(conn)?;
            read(conn, t)
        })
        .await?;
        Ok(json_response(req, &value, policy))
    }
}

#[derive(serde::Deserialize)]
struct RawToolPath {
    id_or_slug: String,
}

/// Slugs are lower case; `/tools/Kahoot` is a person typing, not another
/// tool: 308 to the canonical address (the rest of the path and the query
/// kept).
fn canonical_address(req: &HttpRequest, key: &str) -> Option<String> {
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
    Some(match req.query_string() {
        "" => path,
        q => format!("{path}?{q}"),
    })
}

impl FromRequest for ToolPath {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Decoded as `web::Path` decodes every other segment.
        let raw = match web::Path::<RawToolPath>::extract(req).into_inner() {
            Ok(raw) => raw.into_inner(),
            Err(e) => return ready(Err(e)),
        };
        ready(Ok(ToolPath {
            canonical: canonical_address(req, &raw.id_or_slug),
            id_or_slug: raw.id_or_slug,
        }))
    }
}
