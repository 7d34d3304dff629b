//! Documents: a vendor uploads them (streamed multipart: a `metadata` JSON
//! part, then the `file`), everyone reads those their role may see. Who
//! sees what is the document's visibility: anyone reads public ones,
//! municipalities also those for municipalities, reviewers and admins all,
//! a vendor all of its own. A document the caller may not see is 404, as
//! if it did not exist; reading a restricted document's bytes is an audit
//! entry.

use super::parse_id;
use crate::access::{acting_org, AsVendor, Caller};
use crate::blocking::with_db;
use crate::caching::{etag_header, json_response, CachePolicy};
use crate::change_context;
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::{AppState, Documents};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use std::sync::Arc;
use toolreg_auth::Role;
use toolreg_blob::{BlobError, MediaType};
use toolreg_core::document::{Document, DocumentFile, DocumentInput, Visibility};
use toolreg_store::tables::document::{self, Reader};
use toolreg_store::{ops, DbConnection};
use uuid::Uuid;

/// The most a `metadata` part may hold.
const METADATA_LIMIT: usize = 64 * 1024;

fn unavailable() -> Problem {
    Problem::unavailable("Dokumentlageret er ikke satt opp på denne tjenesten.")
}

fn store_of(state: &AppState) -> Result<Arc<Documents>, Problem> {
    state.documents.clone().ok_or_else(unavailable)
}

fn too_large(limit: u64) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "document-too-large",
        "Dokumentet er for stort",
    )
    .detail(format!(
        "Et dokument kan være høyst {} MiB.",
        limit / (1024 * 1024)
    ))
}

fn unsupported(detail: impl Into<String>) -> Problem {
    let allowed: Vec<&str> = MediaType::ALL.iter().map(|t| t.as_str()).collect();
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-document-type",
        "Dokumenttypen støttes ikke",
    )
    .detail(format!(
        "{} Tillatt: PDF, DOCX, XLSX, ODT, PNG, JPEG og ren tekst ({}).",
        detail.into(),
        allowed.join(", ")
    ))
}

fn malformed(detail: impl Into<String>) -> Problem {
    Problem::bad_request("malformed-multipart", "Ugyldig opplasting", detail)
}

impl From<BlobError> for Problem {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::TooLarge { limit } => too_large(limit),
            BlobError::Empty => Problem::invalid_field("/file", "filen er tom"),
            BlobError::Unrecognised => {
                unsupported("Innholdet er ikke et dokumentformat registeret tar imot.")
            }
            BlobError::Store(e) => e.into(),
            BlobError::Missing(sha) => {
                tracing::error!(sha256 = %sha, "a document's bytes are missing");
                Problem::internal()
            }
            BlobError::Io(e) => {
                tracing::error!(error = %e, "document storage failed");
                Problem::internal()
            }
        }
    }
}

/// What the caller may read: every role they hold counts.
fn reader_of(conn: &mut DbConnection, caller: &Caller) -> Reader {
    let p = &caller.principal;
    let widest = if p.has(Role::Admin) || p.has(Role::Reviewer) {
        Visibility::Reviewers
    } else if p.has(Role::Municipality) {
        Visibility::Municipalities
    } else {
        Visibility::Public
    };
    let own = p
        .has(Role::Vendor)
        .then(|| acting_org(conn, caller, Role::Vendor).ok())
        .flatten()
        .map(|o| o.id);
    Reader { widest, own }
}

/// The document, if the caller may see it.
fn visible(conn: &mut DbConnection, caller: &Caller, id: Uuid) -> Result<Document, Problem> {
    let not_found = || Problem::not_found(format!("Fant ikke dokumentet {id}."));
    let d = document::get(conn, id).map_err(|_| not_found())?;
    if reader_of(conn, caller).may_read(&d) {
        Ok(d)
    } else {
        Err(not_found())
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilter {
    /// Only this vendor's documents.
    pub vendor: Option<Uuid>,
    /// Only documents about this tool.
    pub tool: Option<Uuid>,
}

/// List the documents the caller may see, newest first.
#[utoipa::path(
    tag = "documents",
    params(DocumentFilter, PageParams),
    responses(
        (status = 200, description = "A page of documents", body = ListBody<Document>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad filter, limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents")]
pub async fn list_documents(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    filter: crate::query::QueryParams<DocumentFilter>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let filter = filter.into_inner();
    let body = with_db(&state, move |conn| {
        let reader = reader_of(conn, &caller);
        let p = document::list(conn, filter.vendor, filter.tool, reader, &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// A document's description (not its bytes: see `…/content`).
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The document", body = Document, headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
pub async fn get_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let d = with_db(&state, move |conn| visible(conn, &caller, id)).await?;
    Ok(json_response(&req, &d, CachePolicy::Revalidate))
}

/// A document's bytes.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct DocumentBytes(Vec<u8>);

/// The upload form, as the document describes it for clients.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// What the document is, as JSON (send it first).
    metadata: DocumentInput,
    /// The document's bytes, with its file name; its type is read from the
    /// content, and a declared type that says otherwise is refused.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload a document for the caller's own vendor organisation, as
/// `multipart/form-data`: a `metadata` part (JSON), then a `file` part.
/// The type is sniffed from the content (PDF, DOCX, XLSX, ODT, PNG, JPEG,
/// plain text) and must agree with a declared one; identical bytes are
/// stored once. A failed or aborted upload leaves nothing behind.
#[utoipa::path(
    tag = "documents",
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = Document, headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed multipart or metadata", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The tool belongs to another vendor", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the deployment's limit (25 MiB by default)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a document format, or not the type declared", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid metadata, an empty file or a missing part", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents")]
pub async fn upload_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsVendor(caller): AsVendor,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let store = store_of(&state)?;
    let who = caller.clone();
    let owner = with_db(&state, move |conn| {
        Ok(acting_org(conn, &who, Role::Vendor)?.id)
    })
    .await?;
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > store.max_bytes + METADATA_LIMIT as u64 * 2) {
        return Err(too_large(store.max_bytes));
    }
    let (input, file, staged) = read_upload(&req, payload, &store).await?;
    let ctx = change_context::of(&req, &caller);
    let id = Uuid::now_v7();
    let d = with_db(&state, move |conn| {
        store.blobs.store(staged, conn, |conn, blob| {
            let file = DocumentFile {
                media_type: blob.media_type.as_str().to_string(),
                size_bytes: blob.size as i64,
                sha256: blob.sha256.to_string(),
                ..file
            };
            ops::document::create(conn, &ctx, id, owner, &input, &file, blob.content)
                .map_err(Problem::from)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/documents/{}", d.id)))
        .insert_header(etag_header(&crate::caching::etag_of(&d)))
        .json(d))
}

/// Read the multipart body: the metadata, then the file streamed into the
/// blob store's staging. Anything wrong drops the staging (nothing stays).
async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    store: &Documents,
) -> Result<(DocumentInput, DocumentFile, toolreg_blob::Staged), Problem> {
    let mut parts = actix_multipart::Multipart::new(req.headers(), payload);
    let mut input: Option<DocumentInput> = None;
    let mut staged = None;
    let mut filename = String::new();
    while let Some(part) = parts.next().await {
        let mut field =
            part.map_err(|e| malformed(format!("Multipart-innholdet kan ikke leses: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "metadata" if input.is_none() => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| malformed(format!("metadata: {e}")))?;
                    if bytes.len() + chunk.len() > METADATA_LIMIT {
                        return Err(Problem::invalid_field(
                            "/metadata",
                            "metadata er for stor (høyst 64 KiB)",
                        ));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                input = Some(crate::json_body::parse::<DocumentInput>(&bytes)?);
            }
            "file" if staged.is_none() => {
                if input.is_none() {
                    return Err(Problem::invalid_field(
                        "/metadata",
                        "metadata-delen må komme før file-delen",
                    ));
                }
                let declared = field.content_type().map(|m| m.essence_str().to_string());
                let declared_type = match declared.as_deref() {
                    None | Some("application/octet-stream") => None,
                    Some(d) => Some(
                        MediaType::parse(d)
                            .ok_or_else(|| unsupported(format!("Filen er oppgitt som «{d}».")))?,
                    ),
                };
                filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .map(|f| {
                        f.chars()
                            .filter(|c| !c.is_control())
                            .take(toolreg_core::caps::DOCUMENT_FILENAME)
                            .collect()
                    })
                    .unwrap_or_default();
                let mut upload = store.blobs.upload(store.max_bytes)?;
                let mut checked = false;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|e| malformed(format!("file: {e}")))?;
                    upload.write(&chunk)?;
                    if !checked {
                        if let Some(seen) = upload.early_type() {
                            check_declared(declared_type, seen)?;
                            checked = true;
                        }
                    }
                }
                let done = upload.finish()?;
                check_declared(declared_type, done.media_type)?;
                staged = Some(done);
            }
            other => {
                return Err(Problem::invalid_field(
                    format!("/{other}"),
                    "ukjent eller gjentatt del; send «metadata» og så «file»",
                ))
            }
        }
    }
    let input = input.ok_or_else(|| Problem::invalid_field("/metadata", "mangler"))?;
    let staged = staged.ok_or_else(|| Problem::invalid_field("/file", "mangler"))?;
    let file = DocumentFile {
        filename,
        media_type: String::new(),
        size_bytes: 0,
        sha256: String::new(),
    };
    Ok((input, file, staged))
}

/// A declared type must be the one the content shows.
fn check_declared(declared: Option<MediaType>, sniffed: MediaType) -> Result<(), Problem> {
    match declared {
        Some(d) if d != sniffed => Err(unsupported(format!(
            "Filen er oppgitt som «{}», men innholdet er «{}».",
            d.as_str(),
            sniffed.as_str()
        ))),
        _ => Ok(()),
    }
}

/// A document's bytes, with `Content-Disposition`, its SHA-256 as ETag and
/// single byte ranges (`Range: bytes=…`). Reading a document that is not
/// public is recorded in the audit trail.
#[utoipa::path(
    tag = "documents",
    params(("id" = Uuid, Path, description = "The document's id")),
    responses(
        (status = 200, description = "The bytes, as the type sniffed at upload", content(
            (DocumentBytes = "application/pdf"),
            (DocumentBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (DocumentBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (DocumentBytes = "application/vnd.oasis.opendocument.text"),
            (DocumentBytes = "image/png"),
            (DocumentBytes = "image/jpeg"),
            (DocumentBytes = "text/plain"),
         ),
         headers(("ETag" = String), ("Content-Disposition" = String), ("Accept-Ranges" = String))),
        (status = 206, description = "The range asked for", content(
            (DocumentBytes = "application/pdf"),
            (DocumentBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (DocumentBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (DocumentBytes = "application/vnd.oasis.opendocument.text"),
            (DocumentBytes = "image/png"),
            (DocumentBytes = "image/jpeg"),
            (DocumentBytes = "text/plain"),
         ),
         headers(("Content-Range" = String), ("ETag" = String), ("Content-Disposition" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range is outside the document", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No document storage on this service", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/content")]
pub async fn document_content(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let store = store_of(&state)?;
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ctx = change_context::of(&req, &caller);
    let found = with_db(&state, move |conn| {
        let d = visible(conn, &caller, id)?;
        let etag = format!("\"{}\"", d.file.sha256);
        if if_none_match
            .as_deref()
            .is_some_and(|v| crate::caching::list_matches(v, &etag))
        {
            return Ok((d, None));
        }
        if d.input.visibility != Visibility::Public {
            ops::document::record_download(conn, &ctx, &d)?;
        }
        let bytes = store.blobs.read(conn, &d.file.sha256)?;
        Ok((d, Some(bytes)))
    })
    .await?;
    let (d, bytes) = found;
    let etag = format!("\"{}\"", d.file.sha256);
    let cache = if d.input.visibility == Visibility::Public {
        "public, no-cache"
    } else {
        "private, no-cache"
    };
    let Some(bytes) = bytes else {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    };
    let mut resp = match crate::byte_range::requested(&req, bytes.len() as u64) {
        crate::byte_range::Requested::Whole => {
            let mut r = HttpResponse::Ok();
            r.body(bytes)
        }
        crate::byte_range::Requested::Part { start, end } => {
            let len = bytes.len();
            let slice = bytes
                .get(start as usize..=end as usize)
                .map(<[u8]>::to_vec)
                .unwrap_or_default();
            HttpResponse::PartialContent()
                .insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")))
                .body(slice)
        }
        crate::byte_range::Requested::Unsatisfiable => {
            return Err(Problem::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range-not-satisfiable",
                "Området finnes ikke i dokumentet",
            )
            .detail(format!("Dokumentet er {} byte.", bytes.len()))
            .header("content-range", format!("bytes */{}", bytes.len())));
        }
    };
    let headers = resp.headers_mut();
    let pairs = [
        (header::CONTENT_TYPE, d.file.media_type.clone()),
        (header::ETAG, etag),
        (header::CACHE_CONTROL, cache.to_string()),
        (header::ACCEPT_RANGES, "bytes".to_string()),
        (header::CONTENT_DISPOSITION, disposition(&d.file.filename)),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ];
    for (name, value) in pairs {
        if let Ok(v) = header::HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    Ok(resp)
}

/// `attachment` with the file name: an ASCII fallback and the UTF-8 name
/// (RFC 6266), so «Databehandleravtale – Kahoot.pdf» arrives as written.
fn disposition(filename: &str) -> String {
    let name = if filename.is_empty() {
        "dokument"
    } else {
        filename
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
