//! Who is calling, and what they may do. The `authenticate` middleware
//! validates a presented bearer token on every route (401 with
//! `WWW-Authenticate` when it is bad; anonymous when there is none), the
//! `Caller` extractor hands the result to handlers, and `Caller::require`
//! is the one place a route's rule is checked (403 when the caller lacks
//! it). Vendors are matched on
//! the token's `org` claim, never on anything in the request body.

pub mod tool_editor;

use crate::problem::Problem;
use crate::state::AppState;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};
use toolreg_auth::{Principal, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
}

impl Caller {
    /// Recorded as `published_by`, `draft_updated_by`, `created_by`.
    pub fn sub(&self) -> &str {
        self.principal.sub()
    }

    /// Check the role part of a rule: 401 for anonymous callers where a
    /// token is needed, 403 for a token without the role. For
    /// `Who::ToolEditors` any signed-in caller passes here; the handler then
    /// matches a vendor's `org` claim against the tool's vendor.
    pub fn require(&self, who: Who) -> Result<(), Problem> {
        if who == Who::Anyone {
            return Ok(());
        }
        if matches!(self.principal, Principal::Anonymous) {
            return Err(unauthenticated("Denne handlingen krever innlogging."));
        }
        let ok = match who {
            Who::Anyone | Who::ToolEditors => true,
            Who::Admin => self.principal.has(Role::Admin),
            Who::Reviewer => self.principal.has(Role::Reviewer),
            Who::ReviewersAndAdmins => {
                self.principal.has(Role::Reviewer) || self.principal.has(Role::Admin)
            }
            Who::Subscriber => SUBSCRIBER_ROLES.iter().any(|r| self.principal.has(*r)),
            Who::SubscribersAndAdmins => {
                SUBSCRIBER_ROLES.iter().any(|r| self.principal.has(*r))
                    || self.principal.has(Role::Admin)
            }
            Who::Vendor => self.principal.has(Role::Vendor),
            Who::MunicipalityItselfAndAdmins => {
                self.principal.has(Role::Municipality) || self.principal.has(Role::Admin)
            }
            Who::TrustedReaders => [
                Role::Municipality,
                Role::Reviewer,
                Role::Admin,
                Role::Vendor,
            ]
            .into_iter()
            .any(|r| self.principal.has(r)),
            Who::ReviewersAdminsAndVendorItself => [Role::Reviewer, Role::Admin, Role::Vendor]
                .into_iter()
                .any(|r| self.principal.has(r)),
        };
        if ok {
            Ok(())
        } else {
            Err(forbidden())
        }
    }

    /// A vendor acting for the organisation with this number.
    pub fn is_vendor_of(&self, org_number: Option<&str>) -> bool {
        self.principal.has(Role::Vendor)
            && org_number.is_some()
            && self.principal.org() == org_number
    }
}

/// The roles that subscribe to changes, each for its own organisation.
pub const SUBSCRIBER_ROLES: [Role; 3] = [Role::Reviewer, Role::Vendor, Role::Municipality];

/// The organisation a caller acts for in `role`: the one whose number is
/// the token's `org` claim, registered here, and of a kind that can hold
/// the role (only vendors act as vendors; reviewers are reviewer bodies,
/// networks, municipalities or counties). Anything else is 403, so a token
/// for an unknown organisation can do nothing in anyone's name.
pub fn acting_org(
    conn: &mut toolreg_store::DbConnection,
    caller: &Caller,
    role: Role,
) -> Result<toolreg_core::organisation::Organisation, Problem> {
    use toolreg_core::organisation::OrganisationKind as Kind;
    let number = caller.principal.org().ok_or_else(|| {
        forbidden_because("Tokenet sier ikke hvilken organisasjon du handler for (org).")
    })?;
    let org = toolreg_store::tables::organisation::find_by_org_number(conn, number)?.ok_or_else(
        || forbidden_because("Organisasjonen i tokenet er ikke registrert i registeret."),
    )?;
    let fits = match role {
        Role::Reviewer => matches!(
            org.kind,
            Kind::Reviewer | Kind::Network | Kind::Municipality | Kind::County
        ),
        Role::Vendor => org.kind == Kind::Vendor,
        Role::Municipality => matches!(org.kind, Kind::Municipality | Kind::County),
        Role::Admin => true,
    };
    if fits {
        Ok(org)
    } else {
        Err(forbidden_because(
            "Organisasjonen i tokenet kan ikke ha denne rollen.",
        ))
    }
}

/// A vendor acting for `vendor_id` itself (its token's `org`); 403 with
/// `detail` for any other vendor.
pub fn require_own_vendor(
    conn: &mut toolreg_store::DbConnection,
    caller: &Caller,
    vendor_id: uuid::Uuid,
    detail: &str,
) -> Result<(), Problem> {
    if acting_org(conn, caller, Role::Vendor)?.id == vendor_id {
        Ok(())
    } else {
        Err(forbidden_because(detail))
    }
}

/// A municipality (or county) acting for `organisation_id` itself, or an
/// admin (for any organisation that exists): who may read and change an
/// organisation's own part. Another municipality, a vendor or a reviewer
/// is refused, even when it knows the ids.
pub fn require_own_municipality(
    conn: &mut toolreg_store::DbConnection,
    caller: &Caller,
    organisation_id: uuid::Uuid,
) -> Result<(), Problem> {
    if caller.principal.has(Role::Admin) {
        toolreg_store::tables::organisation::get(conn, organisation_id)?;
        return Ok(());
    }
    if acting_org(conn, caller, Role::Municipality)?.id == organisation_id {
        Ok(())
    } else {
        Err(forbidden_because(
            "Verktøyoversikten og den lokale delen er bare for organisasjonens egne brukere.",
        ))
    }
}

/// A reviewer acting on an assessment: only for its own reviewer
/// organisation.
pub fn may_review(
    conn: &mut toolreg_store::DbConnection,
    caller: &Caller,
    reviewer_org_id: uuid::Uuid,
) -> Result<(), Problem> {
    let org = acting_org(conn, caller, Role::Reviewer)?;
    if org.id == reviewer_org_id {
        Ok(())
    } else {
        Err(forbidden_because(
            "Vurderingen tilhører en annen organisasjon; bare dens vurderere kan endre den.",
        ))
    }
}

pub fn forbidden_because(detail: &str) -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", "Ingen tilgang").detail(detail)
}

pub fn forbidden() -> Problem {
    Problem::new(StatusCode::FORBIDDEN, "forbidden", "Ingen tilgang")
        .detail("Du har ikke rettighet til denne handlingen.")
}

pub fn unauthenticated(detail: &str) -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Ikke innlogget",
    )
    .detail(detail)
    .header(header::WWW_AUTHENTICATE.as_str(), "Bearer")
}

fn invalid_token(detail: String) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "invalid-token", "Ugyldig token")
        .detail(detail)
        .header(
            header::WWW_AUTHENTICATE.as_str(),
            "Bearer error=\"invalid_token\"",
        )
}

/// Middleware: validate a presented bearer token on every route (a bad one
/// is 401 even on a public read) and leave the principal in the request
/// for `Caller`.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().map(str::to_owned));
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let ip = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    let outcome = match (value, &state) {
        (None, Some(state)) => state.limits.anonymous(ip).map(|()| Principal::Anonymous),
        (None, None) => Ok(Principal::Anonymous),
        // A valid token is always let through, even from an address that
        // sent many bad ones (it may be shared: a school's NAT); only its
        // further bad tokens are turned away, with 429 instead of 401.
        (Some(value), state) => {
            let checked = check(value.ok(), state.as_ref().map(|s| s.validator.clone())).await;
            match (checked, state) {
                (Ok(principal), _) => Ok(principal),
                (Err(refused), Some(s)) => s.limits.auth_failed(ip).and(Err(refused)),
                (Err(refused), None) => Err(refused),
            }
        }
    };
    let principal = match outcome {
        Ok(p) => p,
        Err(problem) => {
            let response = actix_web::ResponseError::error_response(&problem);
            return Ok(req.into_response(response).map_into_right_body());
        }
    };
    req.extensions_mut().insert(principal);
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

async fn check(
    value: Option<String>,
    validator: Option<std::sync::Arc<toolreg_auth::Validator>>,
) -> Result<Principal, Problem> {
    let token = value
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid_token(toolreg_auth::AuthError::MalformedHeader.to_string()))?;
    let validator = validator.ok_or_else(Problem::internal)?;
    match validator.validate(&token).await {
        Ok(claims) => Ok(claims.into()),
        Err(e) => {
            tracing::info!(reason = %e, "token refused");
            Err(invalid_token(e.to_string()))
        }
    }
}

/// The caller `authenticate` left in the request (anonymous without it).
fn caller_of(req: &HttpRequest) -> Caller {
    let principal = req
        .extensions()
        .get::<Principal>()
        .cloned()
        .unwrap_or(Principal::Anonymous);
    Caller { principal }
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(caller_of(req)))
    }
}

/// Extractors that enforce a route's rule before anything else is read
/// (so a caller without the right gets 401/403, not a body validation
/// error). List them before the body in a handler's parameters.
macro_rules! rule_extractor {
    ($(#[$doc:meta])* $name:ident, $who:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = Problem;
            type Future = Ready<Result<Self, Problem>>;

            fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
                let caller = caller_of(req);
                ready(caller.require($who).map(|()| $name(caller)))
            }
        }
    };
}

rule_extractor!(
    /// An administrator.
    AsAdmin,
    Who::Admin
);
rule_extractor!(
    /// A reviewer.
    AsReviewer,
    Who::Reviewer
);
rule_extractor!(
    /// A reviewer or an administrator.
    AsReviewerOrAdmin,
    Who::ReviewersAndAdmins
);
rule_extractor!(
    /// Someone who may edit some tools; which ones is checked in the handler.
    AsToolEditor,
    Who::ToolEditors
);
rule_extractor!(
    /// A municipality, reviewer or admin, or a vendor (for its own
    /// organisation's things, checked in the handler).
    AsTrustedReader,
    Who::TrustedReaders
);
rule_extractor!(
    /// A reviewer or admin, or a vendor (for itself, checked in the
    /// handler).
    AsReviewerAdminOrVendor,
    Who::ReviewersAdminsAndVendorItself
);
rule_extractor!(
    /// A vendor, for its own organisation.
    AsVendor,
    Who::Vendor
);
rule_extractor!(
    /// A municipality, vendor or reviewer, subscribing for its own
    /// organisation.
    AsSubscriber,
    Who::Subscriber
);
rule_extractor!(
    /// A municipality or county for its own organisation (checked in the
    /// handler), or an admin.
    AsMunicipalityOrAdmin,
    Who::MunicipalityItselfAndAdmins
);
rule_extractor!(
    /// A subscriber for its own organisation's subscriptions, or an admin
    /// for all.
    AsSubscriberOrAdmin,
    Who::SubscribersAndAdmins
);

/// Who may call a route: the one vocabulary of the access rules, documented
/// in OpenAPI (`x-toolreg-access`) and enforced by the extractors above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anyone,
    Admin,
    Reviewer,
    /// Reviewers and admins; vendors for their own organisation's tools.
    ToolEditors,
    /// Reviewers and admins.
    ReviewersAndAdmins,
    /// Municipalities (and counties), vendors and reviewers, for their own
    /// organisation.
    Subscriber,
    /// Subscribers for their own organisation's, admins for all.
    SubscribersAndAdmins,
    /// Vendors, for their own organisation.
    Vendor,
    /// Municipalities, reviewers and admins; vendors for their own
    /// organisation's tools.
    TrustedReaders,
    /// Reviewers and admins; a vendor for itself.
    ReviewersAdminsAndVendorItself,
    /// A municipality or county for its own organisation; admins.
    MunicipalityItselfAndAdmins,
}

impl Who {
    pub fn describe(self) -> &'static str {
        match self {
            Who::Anyone => "anyone, also without a token",
            Who::Admin => "admin",
            Who::Reviewer => "reviewer",
            Who::ToolEditors => {
                "reviewer, admin, or vendor of the tool's vendor organisation (token org claim)"
            }
            Who::ReviewersAndAdmins => "reviewer, admin",
            Who::Subscriber => {
                "municipality, vendor or reviewer (token org claim: its own organisation)"
            }
            Who::SubscribersAndAdmins => {
                "municipality, vendor or reviewer for its own organisation's (token org claim), admin for all"
            }
            Who::Vendor => "vendor (token org claim: its own organisation)",
            Who::ReviewersAdminsAndVendorItself => {
                "reviewer, admin, or the vendor itself (token org claim)"
            }
            Who::TrustedReaders => {
                "municipality, reviewer, admin, or vendor of the tool's vendor organisation (token org claim)"
            }
            Who::MunicipalityItselfAndAdmins => {
                "municipality or county acting for this organisation (token org claim), admin"
            }
        }
    }
}

/// Every route and who may call it. A test fails when a route exists that
/// this table does not list, so no route is ever open by oversight.
pub const ROUTE_ACCESS: &[(&str, &str, Who)] = &[
    ("GET", "/healthz", Who::Anyone),
    ("GET", "/readyz", Who::Anyone),
    ("GET", "/api/v1/openapi.json", Who::Anyone),
    ("GET", "/api/v1/tools", Who::Anyone),
    ("POST", "/api/v1/tools", Who::ToolEditors),
    ("GET", "/api/v1/tools/{id_or_slug}", Who::Anyone),
    ("PUT", "/api/v1/tools/{id_or_slug}", Who::ToolEditors),
    ("GET", "/api/v1/tools/{id_or_slug}/verdicts", Who::Anyone),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/verdicts/diff",
        Who::Anyone,
    ),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/verdicts/{assessment_id}/{version}",
        Who::Anyone,
    ),
    ("GET", "/api/v1/tools/{id_or_slug}/verdict", Who::Anyone),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/subprocessors",
        Who::Anyone,
    ),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/subprocessors/revisions",
        Who::Anyone,
    ),
    (
        "POST",
        "/api/v1/tools/{id_or_slug}/subprocessors/revisions",
        Who::ReviewersAndAdmins,
    ),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/subprocessors/diff",
        Who::Anyone,
    ),
    ("GET", "/api/v1/tools/{id_or_slug}/data-flows", Who::Anyone),
    ("GET", "/api/v1/tools/{id_or_slug}/revisions", Who::Anyone),
    ("GET", "/api/v1/vendors", Who::Anyone),
    ("GET", "/api/v1/vendors/{id}", Who::Anyone),
    ("GET", "/api/v1/organisations", Who::Anyone),
    ("POST", "/api/v1/organisations", Who::Admin),
    ("GET", "/api/v1/organisations/{id}", Who::Anyone),
    ("PUT", "/api/v1/organisations/{id}", Who::Admin),
    ("GET", "/api/v1/assessments", Who::Reviewer),
    ("POST", "/api/v1/assessments", Who::Reviewer),
    ("GET", "/api/v1/assessments/{id}", Who::Anyone),
    ("GET", "/api/v1/assessments/{id}/draft", Who::Reviewer),
    ("PUT", "/api/v1/assessments/{id}/draft", Who::Reviewer),
    ("POST", "/api/v1/assessments/{id}/publish", Who::Reviewer),
    ("POST", "/api/v1/assessments/{id}/withdraw", Who::Reviewer),
    ("GET", "/api/v1/events", Who::Anyone),
    ("GET", "/api/v1/search", Who::Anyone),
    ("GET", "/api/v1/search/suggest", Who::Anyone),
    ("GET", "/api/v1/audit", Who::ReviewersAndAdmins),
    ("GET", "/api/v1/audit/checkpoints", Who::Anyone),
    ("GET", "/.well-known/toolreg-audit-key", Who::Anyone),
    ("GET", "/api/v1/documents", Who::Anyone),
    ("POST", "/api/v1/documents", Who::Vendor),
    ("GET", "/api/v1/documents/{id}", Who::Anyone),
    ("GET", "/api/v1/documents/{id}/content", Who::Anyone),
    ("GET", "/api/v1/requirements", Who::Anyone),
    (
        "GET",
        "/api/v1/submissions",
        Who::ReviewersAdminsAndVendorItself,
    ),
    ("POST", "/api/v1/submissions", Who::Vendor),
    (
        "GET",
        "/api/v1/submissions/{id}",
        Who::ReviewersAdminsAndVendorItself,
    ),
    ("PUT", "/api/v1/submissions/{id}", Who::Vendor),
    (
        "POST",
        "/api/v1/submissions/{id}/comments",
        Who::ReviewersAdminsAndVendorItself,
    ),
    (
        "POST",
        "/api/v1/submissions/{id}/triage",
        Who::ReviewersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/submissions/{id}/reassessment",
        Who::Reviewer,
    ),
    (
        "GET",
        "/api/v1/vendors/{id}/status",
        Who::ReviewersAdminsAndVendorItself,
    ),
    (
        "GET",
        "/api/v1/tools/{id_or_slug}/requirement-answers",
        Who::TrustedReaders,
    ),
    (
        "PUT",
        "/api/v1/tools/{id_or_slug}/requirement-answers",
        Who::Vendor,
    ),
    ("GET", "/api/v1/screening-questions", Who::Anyone),
    (
        "GET",
        "/api/v1/organisations/{id}/inventory",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/inventory",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/inventory/{entry_id}",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}/inventory/{entry_id}",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}/inventory/{entry_id}/local-part",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/inventory/{entry_id}/proposal",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/inventory/{entry_id}/screening",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "PUT",
        "/api/v1/organisations/{id}/inventory/{entry_id}/screening",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "POST",
        "/api/v1/organisations/{id}/inventory/{entry_id}/acceptance",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/overview",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/processing-record",
        Who::MunicipalityItselfAndAdmins,
    ),
    (
        "GET",
        "/api/v1/organisations/{id}/processing-record.csv",
        Who::MunicipalityItselfAndAdmins,
    ),
    ("GET", "/api/v1/subscriptions", Who::SubscribersAndAdmins),
    ("POST", "/api/v1/subscriptions", Who::Subscriber),
    (
        "GET",
        "/api/v1/subscriptions/{id}",
        Who::SubscribersAndAdmins,
    ),
    (
        "PUT",
        "/api/v1/subscriptions/{id}",
        Who::SubscribersAndAdmins,
    ),
    (
        "DELETE",
        "/api/v1/subscriptions/{id}",
        Who::SubscribersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/subscriptions/{id}/pause",
        Who::SubscribersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/subscriptions/{id}/resume",
        Who::SubscribersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/subscriptions/{id}/rotate-secret",
        Who::SubscribersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/subscriptions/{id}/test",
        Who::SubscribersAndAdmins,
    ),
    (
        "GET",
        "/api/v1/subscriptions/{id}/deliveries",
        Who::SubscribersAndAdmins,
    ),
    (
        "POST",
        "/api/v1/subscriptions/{id}/deliveries/{delivery_id}/redeliver",
        Who::SubscribersAndAdmins,
    ),
];

pub fn access_of(method: &str, path: &str) -> Option<Who> {
    ROUTE_ACCESS
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, w)| *w)
}
