//! The whole app (routes and every middleware) in process, against a real
//! database per test — SQLite, and PostgreSQL when
//! TOOLREG_TEST_POSTGRES_URL is set — as the Rust registry's `TestApp`
//! does. The black-box suites in `tests/` still start the real binary.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{call_service, init_service, read_body_json, TestRequest};
use actix_web::web;
use serde_json::{json, Value};
use toolreg_api::limits::LimitsConfig;
use toolreg_api::AppState;
use toolreg_auth::{KeySource, Role, Validator};
use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
use toolreg_store::test_support::TestDb;
use toolreg_store::{ops, ChangeContext};
use uuid::Uuid;

const SECRET: &[u8] = b"in-process-test-secret-of-sufficient-length";
const ISS: &str = "toolreg-test";
const AUD: &str = "toolreg";

/// A database, the app's state over it, and tokens for its callers.
struct TestApp {
    _db: TestDb,
    state: web::Data<AppState>,
}

impl TestApp {
    fn new(db: TestDb) -> Self {
        let validator = Validator::new(ISS, AUD, KeySource::Shared(SECRET.to_vec()));
        let limits = LimitsConfig {
            enabled: false,
            ..LimitsConfig::default()
        };
        let state = web::Data::new(AppState::new(db.pool(), validator, true, limits));
        Self { _db: db, state }
    }

    fn token(&self, sub: &str, role: Role, org: Option<&str>) -> String {
        toolreg_auth::mint::mint(SECRET, sub, org, &[role], 600, ISS, AUD).expect("token")
    }

    /// Register an organisation directly through the store.
    fn organisation(&self, kind: OrganisationKind, name: &str, org_number: Option<&str>) -> Uuid {
        let id = Uuid::now_v7();
        let input = OrganisationInput {
            kind,
            name: name.into(),
            org_number: org_number.map(Into::into),
            municipality_number: None,
            country: Some("NO".into()),
            website: None,
        };
        let mut conn = self.state.pool.get().expect("connection");
        let ctx = ChangeContext::new("test-setup", None, None);
        ops::organisation::create(&mut conn, &ctx, id.into(), &input).expect("organisation");
        id
    }
}

async fn send<S, B>(
    app: &S,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, actix_web::http::header::HeaderMap, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut req = TestRequest::default().method(method).uri(path);
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    let resp = call_service(app, req.to_request()).await;
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = actix_web::body::to_bytes(resp.into_body())
        .await
        .unwrap_or_default();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, json)
}

#[actix_web::test]
async fn a_reviewer_records_a_subprocessor_list_and_the_log_announces_it() {
    for db in TestDb::all() {
        let backend = db.name();
        let t = TestApp::new(db);
        let vendor = t.organisation(OrganisationKind::Vendor, "Kahoot! AS", None);
        t.organisation(OrganisationKind::Reviewer, "KS", Some("971032146"));
        let reviewer = t.token("reviewer-1", Role::Reviewer, Some("971032146"));
        let app = init_service(toolreg_api::app::build(t.state.clone(), |_| {})).await;

        let tool = json!({"slug": "kahoot", "name": "Kahoot!", "vendor_id": vendor,
                          "processes_personal_data": "yes", "personal_data_basis": ["account"]});
        let (status, headers, created) = send(
            &app,
            Method::POST,
            "/api/v1/tools",
            Some(&reviewer),
            Some(&tool),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{backend}: {created}");
        assert!(headers.contains_key("x-content-type-options"), "{backend}");

        let list = json!({"entries": [
            {"id": "gcp", "name": "Google Cloud EMEA Ltd", "country": "IE", "role": "sub_processor",
             "transfer_mechanism": "eea"},
            {"id": "gcp-us", "parent": "gcp", "name": "Google LLC", "country": "US",
             "role": "sub_processor", "transfer_mechanism": "dpf"}
        ]});
        let path = "/api/v1/tools/kahoot/subprocessors/revisions";
        let (status, _, recorded) =
            send(&app, Method::POST, path, Some(&reviewer), Some(&list)).await;
        assert_eq!(status, StatusCode::CREATED, "{backend}: {recorded}");
        assert_eq!(recorded["previous_revision"], Value::Null);
        assert_eq!(recorded["summary"]["max_depth"], 2);
        assert_eq!(recorded["diff"]["third_countries_added"], json!(["US"]));

        // A list whose parent does not exist: 422 at the entry, nothing kept.
        let broken = json!({"entries": [{"id": "x", "parent": "nobody", "name": "X", "country": "NO",
                                         "role": "sub_processor", "transfer_mechanism": "eea"}]});
        let (status, _, problem) =
            send(&app, Method::POST, path, Some(&reviewer), Some(&broken)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert_eq!(problem["errors"][0]["pointer"], "/entries/0/parent");
        let (_, _, revisions) = send(&app, Method::GET, path, None, None).await;
        assert_eq!(revisions.as_array().map(Vec::len), Some(1), "{backend}");

        // The second list's diff is against the first.
        let smaller = json!({"entries": [list["entries"][0].clone()]});
        let (_, _, second) = send(&app, Method::POST, path, Some(&reviewer), Some(&smaller)).await;
        assert_eq!(second["previous_revision"], 1, "{backend}");
        assert_eq!(second["diff"]["removed"][0]["id"], "gcp-us");
        assert_eq!(second["diff"]["third_countries_removed"], json!(["US"]));

        let (status, headers, events) =
            send(&app, Method::GET, "/api/v1/events?limit=2", None, None).await;
        assert_eq!(status, StatusCode::OK, "{backend}");
        let types: Vec<&str> = events
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| e["type"].as_str())
            .collect();
        assert_eq!(
            types,
            [
                "no.toolreg.tool.created",
                "no.toolreg.subprocessors.changed"
            ],
            "{backend}"
        );
        assert_eq!(events[1]["severity"], "critical", "{backend}");
        let link = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(link.contains("after="), "{backend}: {link}");
    }
}

#[actix_web::test]
async fn the_edges_answer_with_problems_and_redirects() {
    let t = TestApp::new(TestDb::sqlite());
    let vendor = t.organisation(OrganisationKind::Vendor, "Vendor", None);
    let admin = t.token("admin-1", Role::Admin, None);
    let app = init_service(toolreg_api::app::build(t.state.clone(), |_| {})).await;
    let tool = json!({"slug": "padlet", "name": "Padlet", "vendor_id": vendor,
                      "processes_personal_data": "unknown"});
    let (status, _, _) = send(
        &app,
        Method::POST,
        "/api/v1/tools",
        Some(&admin),
        Some(&tool),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // A slug typed with capitals: 308 to the canonical address, query kept.
    let req = TestRequest::get()
        .uri("/api/v1/tools/Padlet/subprocessors?revision=1")
        .to_request();
    let resp = call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        resp.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/api/v1/tools/padlet/subprocessors?revision=1")
    );

    // ... but only a request that is otherwise good: a bad query is 400
    // whatever the slug's case (schemathesis found a 308 here once).
    let req = TestRequest::get()
        .uri("/api/v1/tools/Padlet/verdict?as_of=not-a-time")
        .to_request();
    assert_eq!(
        call_service(&app, req).await.status(),
        StatusCode::BAD_REQUEST
    );
    // Writes never redirect: a PUT to a capitalised slug finds no tool.
    let (status, _, _) = send(
        &app,
        Method::PUT,
        "/api/v1/tools/Padlet",
        Some(&admin),
        Some(&tool),
    )
    .await;
    assert_ne!(status, StatusCode::PERMANENT_REDIRECT);

    // The same slug twice: 409 with its own problem type, naming the field.
    let (status, _, problem) = send(
        &app,
        Method::POST,
        "/api/v1/tools",
        Some(&admin),
        Some(&tool),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "https://toolreg.no/problems/taken");
    assert!(problem["detail"]
        .as_str()
        .is_some_and(|d| d.contains("«slug»")));

    // Unknown routes and ids: problem documents.
    let req = TestRequest::get().uri("/api/v1/tools/nope").to_request();
    let resp = call_service(&app, req).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = read_body_json(resp).await;
    assert_eq!(body["detail"], "verktøyet finnes ikke");
}
