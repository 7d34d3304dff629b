//! The event log as CloudEvents 1.0, oldest first: what search indexing and
//! notifications consume, and what integrations poll. Public events carry
//! published facts only (drafts are never announced) and are everyone's.
//! Private events (a vendor's submission moving through triage) are shown
//! to their organisation, to reviewers and to admins, and to no one else.
//! A reader that keeps the last `sequence` it saw and asks for `after=` it
//! never misses an event it may see; the store explains why in
//! `toolreg_store::ops::change`.

use crate::access::{acting_org, Caller};
use crate::blocking::with_db;
use crate::pagination::{feed_response, FeedParams, FeedPosition};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use toolreg_auth::Role;
use toolreg_core::event::{CloudEvent, EventReader};
use toolreg_store::tables::event;
use toolreg_store::DbConnection;

/// The CloudEvents `source` of every event: this registry's API.
pub const EVENT_SOURCE: &str = "/api/v1";

/// Which events the caller may read: every one for admins, vendors'
/// private ones (and their own organisation's) for reviewers,
/// the public ones and their own organisation's for a vendor or
/// municipality acting for a registered organisation, the public ones for
/// everyone else.
fn reader_of(conn: &mut DbConnection, caller: &Caller) -> EventReader {
    let p = &caller.principal;
    if p.has(Role::Admin) {
        return EventReader::Everything;
    }
    if p.has(Role::Reviewer) {
        return EventReader::Reviewer(acting_org(conn, caller, Role::Reviewer).ok().map(|o| o.id));
    }
    [Role::Vendor, Role::Municipality]
        .into_iter()
        .filter(|role| p.has(*role))
        .find_map(|role| acting_org(conn, caller, role).ok())
        .map_or(EventReader::Public, |org| EventReader::Organisation(org.id))
}

/// Events after a sequence number, oldest first: the public ones, and with
/// a token the private ones the caller's organisation may read.
#[utoipa::path(
    tag = "events",
    params(FeedParams),
    responses(
        (status = 200, description = "Events (CloudEvents 1.0, structured JSON)", body = Vec<CloudEvent>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when the page is full"))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad after or limit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    position: FeedPosition,
) -> Result<HttpResponse, Problem> {
    let events = with_db(&state, move |conn| {
        let reader = reader_of(conn, &caller);
        Ok(event::list_after(
            conn,
            position.after,
            i64::from(position.limit),
            reader,
        )?)
    })
    .await?;
    let items: Vec<CloudEvent> = events
        .iter()
        .map(|e| e.to_cloud_event(EVENT_SOURCE))
        .collect();
    let last = events.last().map(|e| e.sequence);
    let mut response = feed_response(&req, &items, position, last);
    // What is shown depends on the token.
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Authorization"),
    );
    Ok(response)
}
