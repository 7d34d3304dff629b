//! Subscriptions: an organisation's own (token `org` claim) — a
//! municipality's, a vendor's or a reviewer's — or any for an admin.
//! Create, list, read, replace (If-Match), pause, resume, delete, rotate
//! the signing secret, send a test message, list and redeliver deliveries.
//! Another organisation's subscription is 404, as if it did not exist.
//! The capacity a subscription is made in decides the private events it
//! hears of (a vendor its own submissions', a reviewer every vendor's).

use super::parse_id;
use crate::access::{acting_org, AsSubscriber, AsSubscriberOrAdmin, Caller, SUBSCRIBER_ROLES};
use crate::blocking::with_db;
use crate::caching::{check_if_match, etag_header, etag_of, json_response, CachePolicy, IfMatch};
use crate::json_body::JsonBody;
use crate::pagination::{list_response, ListBody, PageParams, Paging};
use crate::problem::Problem;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use serde::Serialize;
use toolreg_auth::Role;
use toolreg_core::delivery::Delivery;
use toolreg_core::subscription::{
    Channel, SubscriberRole, Subscription, SubscriptionInput, SubscriptionStatus,
};
use toolreg_notify::signing::SigningSecret;
use toolreg_store::tables::subscription::Subscriber;
use toolreg_store::tables::{delivery, subscription};
use toolreg_store::{ops, DbConnection};
use uuid::Uuid;

/// How long a rotated-out secret still signs.
const ROTATION_GRACE_HOURS: i64 = 24;

/// A subscription as created or given a new secret: the secret is shown
/// this once and never again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubscriptionWithSecret {
    #[serde(flatten)]
    pub subscription: Subscription,
    /// `whsec_…`: verify the `webhook-signature` header with it (Standard
    /// Webhooks). Store it now; it is not shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// The capacity a subscription made in `role` has.
fn subscriber_role(role: Role) -> SubscriberRole {
    match role {
        Role::Reviewer => SubscriberRole::Reviewer,
        Role::Vendor => SubscriberRole::Vendor,
        // Only subscriber roles are asked; an admin subscribes for no one.
        Role::Municipality | Role::Admin => SubscriberRole::Municipality,
    }
}

/// The organisation a caller subscribes for, in the widest capacity its
/// token holds for a registered organisation (a reviewer before a vendor
/// before a municipality); the refusal of the last one tried otherwise.
fn subscriber_of(conn: &mut DbConnection, caller: &Caller) -> Result<Subscriber, Problem> {
    let mut refusal = crate::access::forbidden();
    for role in SUBSCRIBER_ROLES {
        if !caller.principal.has(role) {
            continue;
        }
        match acting_org(conn, caller, role) {
            Ok(org) => {
                return Ok(Subscriber {
                    organisation_id: org.id,
                    role: subscriber_role(role),
                })
            }
            Err(problem) => refusal = problem,
        }
    }
    Err(refusal)
}

/// The organisation whose subscriptions the caller may see: its own for a
/// subscriber, every one (`None`) for an admin.
fn scope_of(conn: &mut DbConnection, caller: &Caller) -> Result<Option<Uuid>, Problem> {
    if caller.principal.has(Role::Admin) {
        return Ok(None);
    }
    Ok(Some(subscriber_of(conn, caller)?.organisation_id))
}

/// The subscription, if the caller may see it.
fn visible(conn: &mut DbConnection, caller: &Caller, id: Uuid) -> Result<Subscription, Problem> {
    let scope = scope_of(conn, caller)?;
    let s = subscription::get(conn, id)?;
    match scope {
        Some(org) if org != s.organisation_id => {
            Err(Problem::not_found(format!("Fant ikke abonnementet {id}.")))
        }
        _ => Ok(s),
    }
}

/// A webhook URL must be one the deployment may send to.
fn check_target(state: &AppState, input: &SubscriptionInput) -> Result<(), Problem> {
    if let Channel::Webhook { url } = &input.channel {
        if let Err(refused) = state.webhook_targets.check_url(url) {
            return Err(Problem::invalid_field("/channel/url", refused.to_string()));
        }
    }
    Ok(())
}

fn new_secret() -> Result<SigningSecret, Problem> {
    SigningSecret::generate().map_err(|e| {
        tracing::error!(error = %e, "no randomness for a signing secret");
        Problem::internal()
    })
}

fn with_etag(
    status: actix_web::http::StatusCode,
    s: &Subscription,
    body: impl Serialize,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(etag_header(&etag_of(s)))
        .json(body)
}

/// List subscriptions: the caller's organisation's, or all for an admin.
#[utoipa::path(
    tag = "subscriptions",
    params(PageParams),
    responses(
        (status = 200, description = "A page of subscriptions, oldest first", body = ListBody<Subscription>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 400, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/subscriptions")]
pub async fn list_subscriptions(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let body = with_db(&state, move |conn| {
        let scope = scope_of(conn, &caller)?;
        let p = subscription::list(conn, scope, &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// Subscribe the caller's organisation to changes. A webhook gets a signing
/// secret, shown in this answer only.
#[utoipa::path(
    tag = "subscriptions",
    request_body(content = SubscriptionInput, example = json!({
        "scope": {"kind": "vendors", "ids": ["0190f3a2-7c1e-7000-8000-000000000002"]},
        "event_types": ["verdict.published", "verdict.withdrawn", "subprocessors.changed"],
        "min_severity": "warning",
        "channel": {"kind": "webhook", "url": "https://integrasjon.bergen.kommune.no/toolreg"}
    })),
    responses(
        (status = 201, description = "Created; `secret` is shown this once", body = SubscriptionWithSecret,
         headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a webhook URL this service may not send to", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions")]
pub async fn create_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriber(caller): AsSubscriber,
    body: JsonBody<SubscriptionInput>,
) -> Result<HttpResponse, Problem> {
    let input = body.0;
    check_target(&state, &input)?;
    let secret = match input.channel {
        Channel::Webhook { .. } => Some(new_secret()?.expose()),
        Channel::Email { .. } => None,
    };
    let ctx = crate::change_context::of(&req, &caller);
    let shown = secret.clone();
    let created = with_db(&state, move |conn| {
        let subscriber = subscriber_of(conn, &caller)?;
        Ok(ops::subscription::create(
            conn,
            &ctx,
            Uuid::now_v7(),
            subscriber,
            &input,
            secret.as_deref(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/subscriptions/{}", created.id),
        ))
        .insert_header(etag_header(&etag_of(&created)))
        .json(SubscriptionWithSecret {
            secret: shown,
            subscription: created,
        }))
}

/// One subscription.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "The subscription", body = Subscription, headers(("ETag" = String))),
        (status = 400, description = "Bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found (or another organisation's)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/subscriptions/{id}")]
pub async fn get_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let s = with_db(&state, move |conn| visible(conn, &caller, id)).await?;
    Ok(json_response(&req, &s, CachePolicy::Revalidate))
}

/// Replace what a subscription asks for. Needs `If-Match`.
#[utoipa::path(
    tag = "subscriptions",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("If-Match" = String, Header, description = "ETag of the subscription as last read"),
    ),
    request_body = SubscriptionInput,
    responses(
        (status = 200, description = "Updated", body = Subscription, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/subscriptions/{id}")]
pub async fn update_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
    IfMatch(if_match): IfMatch,
    body: JsonBody<SubscriptionInput>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let input = body.0;
    check_target(&state, &input)?;
    let ctx = crate::change_context::of(&req, &caller);
    let s = with_db(&state, move |conn| {
        let current = visible(conn, &caller, id)?;
        check_if_match(&if_match, &etag_of(&current))?;
        // A webhook has a secret; one that becomes a webhook needs one.
        if matches!(input.channel, Channel::Webhook { .. })
            && subscription::secrets(conn, id, ctx.now)?.is_none()
        {
            return Err(Problem::invalid_field(
                "/channel",
                "Et e-postabonnement kan ikke gjøres om til en webhook; opprett et nytt abonnement.",
            ));
        }
        Ok(ops::subscription::update(conn, &ctx, id, &input, Some(current.version))?)
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &s, &s))
}

/// Change a subscription's status, as its owner (or an admin).
async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    raw_id: &str,
    status: SubscriptionStatus,
) -> Result<Subscription, Problem> {
    let id = parse_id("id", raw_id)?;
    let ctx = crate::change_context::of(&req, &caller);
    with_db(&state, move |conn| {
        let current = visible(conn, &caller, id)?;
        Ok(ops::subscription::set_status(
            conn,
            &ctx,
            id,
            status,
            None,
            Some(current.version),
        )?)
    })
    .await
}

/// Pause: events are kept for it and sent when it is resumed.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Paused", body = Subscription, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions/{id}/pause")]
pub async fn pause_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let s = set_status(req, state, caller, &path, SubscriptionStatus::Paused).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &s, &s))
}

/// Resume a paused or disabled subscription: what was kept is sent.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Active again", body = Subscription, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions/{id}/resume")]
pub async fn resume_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let s = set_status(req, state, caller, &path, SubscriptionStatus::Active).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &s, &s))
}

/// Delete a subscription: nothing more is sent; its deliveries stay on
/// record.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/subscriptions/{id}")]
pub async fn delete_subscription(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    set_status(req, state, caller, &path, SubscriptionStatus::Deleted).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new signing secret, shown this once; the old one keeps signing for
/// 24 hours so the receiver can switch without losing a message.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 200, description = "Rotated; `secret` is the new one", body = SubscriptionWithSecret, headers(("ETag" = String))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions/{id}/rotate-secret")]
pub async fn rotate_secret(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let secret = new_secret()?.expose();
    let ctx = crate::change_context::of(&req, &caller);
    let shown = secret.clone();
    let s = with_db(&state, move |conn| {
        let current = visible(conn, &caller, id)?;
        if !matches!(current.input.channel, Channel::Webhook { .. }) {
            return Err(Problem::new(
                actix_web::http::StatusCode::CONFLICT,
                "not-a-webhook",
                "Ikke en webhook",
            )
            .detail("Bare webhooks har en signeringsnøkkel."));
        }
        let grace = ctx.now + chrono::Duration::hours(ROTATION_GRACE_HOURS);
        Ok(ops::subscription::rotate_secret(
            conn, &ctx, id, &secret, grace,
        )?)
    })
    .await?;
    Ok(with_etag(
        actix_web::http::StatusCode::OK,
        &s,
        SubscriptionWithSecret {
            subscription: s.clone(),
            secret: Some(shown),
        },
    ))
}

/// Send a test message (CloudEvents type `no.toolreg.test`) now.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id")),
    responses(
        (status = 202, description = "Queued; follow it in the deliveries", body = Delivery),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions/{id}/test")]
pub async fn send_test(
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let d = with_db(&state, move |conn| {
        visible(conn, &caller, id)?;
        Ok(delivery::enqueue_test(
            conn,
            id,
            toolreg_store::time::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(d))
}

/// A subscription's deliveries, newest first: status, attempts, the last
/// status code and error.
#[utoipa::path(
    tag = "subscriptions",
    params(("id" = Uuid, Path, description = "Subscription id"), PageParams),
    responses(
        (status = 200, description = "A page of deliveries", body = ListBody<Delivery>,
         headers(("ETag" = String), ("Link" = String, description = "rel=\"next\" when more pages follow"))),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/subscriptions/{id}/deliveries")]
pub async fn list_deliveries(
    req: HttpRequest,
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<String>,
    Paging(page): Paging,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path)?;
    let body = with_db(&state, move |conn| {
        visible(conn, &caller, id)?;
        let p = delivery::list_for_subscription(conn, id, &page)?;
        Ok(ListBody::from(p))
    })
    .await?;
    Ok(list_response(&req, &body, CachePolicy::Revalidate))
}

/// Send a delivery again from now (a dead one too), under the same
/// `webhook-id`.
#[utoipa::path(
    tag = "subscriptions",
    params(
        ("id" = Uuid, Path, description = "Subscription id"),
        ("delivery_id" = Uuid, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued again", body = Delivery),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/subscriptions/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    AsSubscriberOrAdmin(caller): AsSubscriberOrAdmin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let id = parse_id("id", &path.0)?;
    let delivery_id = parse_id("delivery_id", &path.1)?;
    let d = with_db(&state, move |conn| {
        visible(conn, &caller, id)?;
        let d = delivery::get(conn, delivery_id)?;
        if d.subscription_id != id {
            return Err(Problem::not_found(format!(
                "Abonnementet har ingen levering {delivery_id}."
            )));
        }
        Ok(delivery::redeliver(
            conn,
            delivery_id,
            toolreg_store::time::now(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(d))
}
