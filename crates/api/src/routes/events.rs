//! The event log as CloudEvents 1.0, oldest first: what search indexing and
//! notifications consume, and what integrations poll. Public: events carry
//! published facts only (drafts are never announced). A reader that keeps
//! the last `sequence` it saw and asks for `after=` it never misses an
//! event; the store explains why in `toolreg_store::ops::change`.

use crate::blocking::with_db;
use crate::pagination::{feed_response, FeedParams, FeedPosition};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use toolreg_core::event::CloudEvent;
use toolreg_store::tables::event;

/// The CloudEvents `source` of every event: this registry's API.
pub const EVENT_SOURCE: &str = "/api/v1";

/// Events after a sequence number, oldest first.
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
    position: FeedPosition,
) -> Result<HttpResponse, Problem> {
    let events = with_db(&state, move |conn| {
        Ok(event::list_after(
            conn,
            position.after,
            i64::from(position.limit),
        )?)
    })
    .await?;
    let items: Vec<CloudEvent> = events
        .iter()
        .map(|e| e.to_cloud_event(EVENT_SOURCE))
        .collect();
    let last = events.last().map(|e| e.sequence);
    Ok(feed_response(&req, &items, position, last))
}
