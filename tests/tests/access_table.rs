//! Every registered route × every kind of caller, against the expected
//! answer: allowed (anything but 401/403) or refused (401 for anonymous,
//! 403 for a signed-in caller without the right). The test fails when the
//! running service documents a route this table does not list.

use reqwest::blocking::RequestBuilder;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use toolreg_tests::{client, token, Server};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Anonymous,
    Municipality,
    /// Another municipality than the one whose own part is asked for.
    OtherMunicipality,
    VendorOfTool,
    OtherVendor,
    Reviewer,
    /// A reviewer of another reviewer organisation than the assessment's.
    OtherReviewer,
    /// A reviewer token whose organisation is not registered.
    UnknownReviewer,
    /// A reviewer token naming a vendor organisation.
    VendorAsReviewer,
    Admin,
}

use Caller::*;
const ALL: [Caller; 10] = [
    Anonymous,
    Municipality,
    OtherMunicipality,
    VendorOfTool,
    OtherVendor,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
const PUBLIC: &[Caller] = &ALL;
const ADMIN: &[Caller] = &[Admin];
/// Acting on one assessment: its own organisation's reviewers only.
const ASSESSMENT_REVIEWER: &[Caller] = &[Reviewer];
/// Starting an assessment: any registered reviewer, for its own organisation
/// (the body here is invalid, so neither gets far enough to create one).
const ANY_REVIEWER: &[Caller] = &[Reviewer, OtherReviewer, UnknownReviewer, VendorAsReviewer];
const AUDIT: &[Caller] = &[
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
const TOOL_EDIT: &[Caller] = &[VendorOfTool, Reviewer, OtherReviewer, Admin];
/// Recording a subprocessor list: reviewers of registered reviewing
/// organisations, and admins.
const SUBPROCESSOR_RECORDERS: &[Caller] = &[Reviewer, OtherReviewer, Admin];
/// Writing a subscription: a municipality, vendor or reviewer. The role is
/// checked before the request is read and the organisation after (as for
/// starting an assessment), so with the request here invalid (no body, no
/// If-Match) a reviewer token of an unregistered organisation, or naming
/// a vendor, is answered about the request, not refused.
const SUBSCRIBING: &[Caller] = &[
    Municipality,
    OtherMunicipality,
    VendorOfTool,
    OtherVendor,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
];
/// Replacing one (no If-Match here): the same, and admins.
const SUBSCRIPTION_WRITERS: &[Caller] = &[
    Municipality,
    OtherMunicipality,
    VendorOfTool,
    OtherVendor,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
/// A subscription: its organisation's (another's gets 404, which is not a
/// refusal of the route), and admins.
const SUBSCRIBERS: &[Caller] = &[
    Municipality,
    OtherMunicipality,
    VendorOfTool,
    OtherVendor,
    Reviewer,
    OtherReviewer,
    Admin,
];
/// Reading a tool's requirement answers: everyone signed in but other
/// vendors.
const ANSWER_READERS: &[Caller] = &[
    Municipality,
    OtherMunicipality,
    VendorOfTool,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
/// A vendor's status: reviewers, admins, and the vendor itself.
const VENDOR_STATUS: &[Caller] = &[
    VendorOfTool,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
/// Submissions: vendors (another's is 404, not refused) and reviewers.
const SUBMISSION_READERS: &[Caller] = &[
    VendorOfTool,
    OtherVendor,
    Reviewer,
    OtherReviewer,
    UnknownReviewer,
    VendorAsReviewer,
    Admin,
];
/// Commenting: the vendors and registered reviewers, admins.
const COMMENTERS: &[Caller] = &[VendorOfTool, OtherVendor, Reviewer, OtherReviewer, Admin];
/// Triage: registered reviewers and admins.
const TRIAGERS: &[Caller] = &[Reviewer, OtherReviewer, Admin];
/// Opening a re-assessment: registered reviewers (another organisation's
/// gets 409, nothing of its own to re-assess).
const REASSESSORS: &[Caller] = &[Reviewer, OtherReviewer];
/// Answering for a tool: its own vendor.
const OWN_VENDOR: &[Caller] = &[VendorOfTool];
/// A municipality's own part: its own users (Bergen's, whose part is
/// asked for) and admins; another municipality, vendors and reviewers are
/// refused.
const OWN_MUNICIPALITY: &[Caller] = &[Municipality, Admin];
/// Uploading a document: vendors, for their own organisation.
const VENDORS: &[Caller] = &[VendorOfTool, OtherVendor];

#[test]
fn every_route_answers_every_caller_as_the_policy_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let http = client();
    let url = |p: &str| server.url(p);
    let get = |p: &str| -> Value { http.get(url(p)).send().and_then(|r| r.json()).expect("GET") };

    let kahoot = get("/api/v1/tools/kahoot");
    let tool_id = kahoot["id"].as_str().expect("id").to_string();
    let vendor_id = kahoot["vendor_id"].as_str().expect("vendor").to_string();
    let history = get("/api/v1/tools/kahoot/verdicts");
    let assessment = history[0]["assessment_id"]
        .as_str()
        .expect("assessment")
        .to_string();
    let missing = "0190f3a4-1c2b-7d3e-8f40-123456789abc";

    let tokens: Vec<(Caller, Option<String>)> = vec![
        (Anonymous, None),
        (
            Municipality,
            Some(token(
                dir.path(),
                "bergen",
                &["municipality"],
                Some("964338531"),
            )),
        ),
        (
            VendorOfTool,
            Some(token(dir.path(), "kahoot", &["vendor"], Some("997770234"))),
        ),
        (
            OtherVendor,
            Some(token(dir.path(), "nrk", &["vendor"], Some("976390512"))),
        ),
        (
            Reviewer,
            Some(token(
                dir.path(),
                "reviewer",
                &["reviewer"],
                Some("971032146"),
            )),
        ),
        (
            OtherReviewer,
            Some(token(dir.path(), "sikt", &["reviewer"], Some("919477822"))),
        ),
        (
            UnknownReviewer,
            Some(token(
                dir.path(),
                "stranger",
                &["reviewer"],
                Some("923609016"),
            )),
        ),
        (
            VendorAsReviewer,
            Some(token(
                dir.path(),
                "kahoot-reviewer",
                &["reviewer"],
                Some("997770234"),
            )),
        ),
        (
            OtherMunicipality,
            Some(token(
                dir.path(),
                "oslo",
                &["municipality"],
                Some("974760673"),
            )),
        ),
        (Admin, Some(token(dir.path(), "admin", &["admin"], None))),
    ];
    let bearer_of = |who: Caller| {
        tokens
            .iter()
            .find(|(c, _)| *c == who)
            .and_then(|(_, t)| t.clone())
            .expect("token")
    };

    // An assessment of KS's own, to act on.
    let ks = get("/api/v1/organisations?kind=reviewer");
    let ks_id = ks["items"]
        .as_array()
        .and_then(|i| i.iter().find(|o| o["org_number"] == "971032146"))
        .map(|o| o["id"].clone())
        .expect("KS in the sample data");
    let own: Value = http
        .post(url("/api/v1/assessments"))
        .bearer_auth(bearer_of(Reviewer))
        .json(&json!({"kind": "triage", "title": "Tilgangstest", "tool_ids": [tool_id], "reviewer_org_id": ks_id}))
        .send()
        .and_then(|r| r.json())
        .expect("own assessment");
    let own = own["id"].as_str().expect("assessment id").to_string();
    let valid_draft = json!({"level": "approved", "summary": "Greit", "change_note": "x"});
    // A subscription of Bergen's, by e-mail (nothing leaves the machine).
    let subscribed: Value = http
        .post(url("/api/v1/subscriptions"))
        .bearer_auth(bearer_of(Municipality))
        .json(&json!({"scope": {"kind": "all"}, "channel": {"kind": "email", "addresses": ["personvern@bergen.kommune.no"], "digest": "daily"}}))
        .send()
        .and_then(|r| r.json())
        .expect("subscription");
    let sub = subscribed["id"]
        .as_str()
        .expect("subscription id")
        .to_string();

    // A submission of Kahoot's, to act on.
    let submitted: Value = http
        .post(url("/api/v1/submissions"))
        .bearer_auth(bearer_of(VendorOfTool))
        .json(&json!({"tool_id": tool_id, "content": {"kind": "subprocessor_list", "list": {"entries": []}}}))
        .send()
        .and_then(|r| r.json())
        .expect("submission");
    let submission = submitted["id"].as_str().expect("submission id").to_string();

    // Bergen's own part: its organisation and one of its sample entries.
    let municipalities = get("/api/v1/organisations?kind=municipality&limit=50");
    let bergen = municipalities["items"]
        .as_array()
        .and_then(|i| i.iter().find(|o| o["org_number"] == "964338531"))
        .and_then(|o| o["id"].as_str())
        .expect("Bergen in the sample data")
        .to_string();
    let inventory: Value = http
        .get(url(&format!("/api/v1/organisations/{bergen}/inventory")))
        .bearer_auth(bearer_of(Municipality))
        .send()
        .and_then(|r| r.json())
        .expect("Bergen's inventory");
    let entry = inventory["items"][0]["id"]
        .as_str()
        .expect("a sample entry")
        .to_string();
    let own_part = |rest: &str| url(&format!("/api/v1/organisations/{bergen}{rest}"));
    // Kahoot! is in Bergen's sample inventory: adding it again is 409 for
    // those allowed, after the organisation was checked.
    let kahoot_entry = json!({"tool": {"kind": "registry", "tool_id": tool_id}, "purpose": "Quiz",
        "agreement": {"status": "none"}, "owner": "Rektor", "status": "in_use"});

    // Unassessed facts, so the tool's own vendor may send it too.
    let tool_input = |slug: &str| json!({"slug": slug, "name": "Ny", "vendor_id": vendor_id, "processes_personal_data": "unknown"});
    // Kahoot! as it is, renamed: a change its vendor may make.
    let mut kahoot_renamed = json!({});
    for field in [
        "slug",
        "vendor_id",
        "summary",
        "website",
        "categories",
        "age_bands",
        "login_methods",
        "platforms",
        "pricing",
        "processes_personal_data",
        "personal_data_basis",
        "feide_attributes",
        "ai_features",
        "status",
    ] {
        kahoot_renamed[field] = kahoot[field].clone();
    }
    kahoot_renamed["name"] = json!("Kahoot! (nytt navn)");
    type Build<'a> = Box<dyn Fn(&str) -> RequestBuilder + 'a>;
    let routes: Vec<(&str, &str, &[Caller], Build)> = vec![
        (
            "GET",
            "/api/v1/screening-questions",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/screening-questions"))),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/inventory",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part("/inventory"))),
        ),
        (
            "POST",
            "/api/v1/organisations/{id}/inventory",
            OWN_MUNICIPALITY,
            Box::new(|_| http.post(own_part("/inventory")).json(&kahoot_entry)),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/inventory/{entry_id}",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part(&format!("/inventory/{entry}")))),
        ),
        (
            "PUT",
            "/api/v1/organisations/{id}/inventory/{entry_id}",
            OWN_MUNICIPALITY,
            Box::new(|_| {
                http.put(own_part(&format!("/inventory/{entry}")))
                    .header("If-Match", "\"stale\"")
                    .json(&kahoot_entry)
            }),
        ),
        (
            "PUT",
            "/api/v1/organisations/{id}/inventory/{entry_id}/local-part",
            OWN_MUNICIPALITY,
            Box::new(|_| {
                http.put(own_part(&format!("/inventory/{entry}/local-part")))
                    .header("If-Match", "\"stale\"")
                    .json(&json!({}))
            }),
        ),
        (
            "POST",
            "/api/v1/organisations/{id}/inventory/{entry_id}/proposal",
            OWN_MUNICIPALITY,
            Box::new(|_| {
                http.post(own_part(&format!("/inventory/{entry}/proposal")))
                    .header("If-Match", "\"stale\"")
            }),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/inventory/{entry_id}/screening",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part(&format!("/inventory/{entry}/screening")))),
        ),
        (
            "PUT",
            "/api/v1/organisations/{id}/inventory/{entry_id}/screening",
            OWN_MUNICIPALITY,
            Box::new(|_| {
                http.put(own_part(&format!("/inventory/{entry}/screening")))
                    .header("If-Match", "\"stale\"")
                    .json(&json!({}))
            }),
        ),
        (
            "POST",
            "/api/v1/organisations/{id}/inventory/{entry_id}/acceptance",
            OWN_MUNICIPALITY,
            Box::new(|_| {
                http.post(own_part(&format!("/inventory/{entry}/acceptance")))
                    .header("If-Match", "\"stale\"")
                    .json(&json!({"assessment_id": assessment, "version": 1,
                        "accepted_by_name": "Kari Nordmann", "accepted_by_role": "kommunalsjef"}))
            }),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/overview",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part("/overview"))),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/processing-record",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part("/processing-record"))),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}/processing-record.csv",
            OWN_MUNICIPALITY,
            Box::new(|_| http.get(own_part("/processing-record.csv"))),
        ),
        (
            "GET",
            "/healthz",
            PUBLIC,
            Box::new(|_| http.get(url("/healthz"))),
        ),
        (
            "GET",
            "/readyz",
            PUBLIC,
            Box::new(|_| http.get(url("/readyz"))),
        ),
        (
            "GET",
            "/api/v1/openapi.json",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/openapi.json"))),
        ),
        (
            "GET",
            "/api/v1/tools",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools"))),
        ),
        (
            "POST",
            "/api/v1/tools",
            TOOL_EDIT,
            Box::new(|who| {
                http.post(url("/api/v1/tools"))
                    .json(&tool_input(&format!("ny-{who}")))
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot"))),
        ),
        (
            "PUT",
            "/api/v1/tools/{id_or_slug}",
            TOOL_EDIT,
            Box::new(|_| {
                http.put(url("/api/v1/tools/kahoot"))
                    .header("If-Match", "\"stale\"")
                    .json(&kahoot_renamed)
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/verdicts",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/verdicts"))),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/verdicts/diff",
            PUBLIC,
            Box::new(|_| {
                http.get(url(&format!(
                    "/api/v1/tools/kahoot/verdicts/diff?from={assessment}:1&to={assessment}:1"
                )))
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/verdicts/{assessment_id}/{version}",
            PUBLIC,
            Box::new(|_| {
                http.get(url(&format!(
                    "/api/v1/tools/{tool_id}/verdicts/{assessment}/1"
                )))
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/verdict",
            PUBLIC,
            Box::new(|_| {
                http.get(url(
                    "/api/v1/tools/kahoot/verdict?as_of=2026-01-01T00:00:00Z",
                ))
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/subprocessors",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/subprocessors"))),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/subprocessors/revisions",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/subprocessors/revisions"))),
        ),
        (
            "POST",
            "/api/v1/tools/{id_or_slug}/subprocessors/revisions",
            SUBPROCESSOR_RECORDERS,
            Box::new(|_| {
                http.post(url("/api/v1/tools/kahoot/subprocessors/revisions"))
                    .json(
                        &json!({"entries": [{"id": "aws", "name": "AWS EMEA SARL", "country": "IE",
                                   "role": "sub_processor", "transfer_mechanism": "eea"}]}),
                    )
            }),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/subprocessors/diff",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/subprocessors/diff?from=1&to=1"))),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/data-flows",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/data-flows"))),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/revisions",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/revisions"))),
        ),
        (
            "GET",
            "/api/v1/vendors",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/vendors"))),
        ),
        (
            "GET",
            "/api/v1/vendors/{id}",
            PUBLIC,
            Box::new(|_| http.get(url(&format!("/api/v1/vendors/{vendor_id}")))),
        ),
        (
            "GET",
            "/api/v1/organisations",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/organisations"))),
        ),
        (
            "POST",
            "/api/v1/organisations",
            ADMIN,
            Box::new(|_| http.post(url("/api/v1/organisations")).json(&json!({}))),
        ),
        (
            "GET",
            "/api/v1/organisations/{id}",
            PUBLIC,
            Box::new(|_| http.get(url(&format!("/api/v1/organisations/{vendor_id}")))),
        ),
        (
            "PUT",
            "/api/v1/organisations/{id}",
            ADMIN,
            Box::new(|_| {
                http.put(url(&format!("/api/v1/organisations/{missing}")))
                    .header("If-Match", "\"x\"")
                    .json(&json!({}))
            }),
        ),
        (
            "GET",
            "/api/v1/assessments",
            &[Reviewer, OtherReviewer],
            Box::new(|_| http.get(url("/api/v1/assessments?status=draft"))),
        ),
        (
            "POST",
            "/api/v1/assessments",
            ANY_REVIEWER,
            Box::new(|_| http.post(url("/api/v1/assessments")).json(&json!({}))),
        ),
        (
            "GET",
            "/api/v1/assessments/{id}",
            PUBLIC,
            Box::new(|_| http.get(url(&format!("/api/v1/assessments/{assessment}")))),
        ),
        (
            "GET",
            "/api/v1/assessments/{id}/draft",
            ASSESSMENT_REVIEWER,
            Box::new(|_| http.get(url(&format!("/api/v1/assessments/{own}/draft")))),
        ),
        (
            "PUT",
            "/api/v1/assessments/{id}/draft",
            ASSESSMENT_REVIEWER,
            Box::new(|_| {
                // A stale ETag: the owner gets 412, everyone else 403.
                http.put(url(&format!("/api/v1/assessments/{own}/draft")))
                    .header("If-Match", "\"draft-0\"")
                    .json(&valid_draft)
            }),
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/publish",
            ASSESSMENT_REVIEWER,
            Box::new(|_| {
                http.post(url(&format!("/api/v1/assessments/{own}/publish")))
                    .header("If-Match", "\"draft-0\"")
            }),
        ),
        (
            "POST",
            "/api/v1/assessments/{id}/withdraw",
            ASSESSMENT_REVIEWER,
            Box::new(|_| {
                http.post(url(&format!("/api/v1/assessments/{own}/withdraw")))
                    .json(&json!({"reason": "Tilgangstest"}))
            }),
        ),
        (
            "GET",
            "/api/v1/events",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/events"))),
        ),
        (
            "GET",
            "/api/v1/search",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/search?q=kahoot"))),
        ),
        (
            "GET",
            "/api/v1/search/suggest",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/search/suggest?q=ka"))),
        ),
        (
            "GET",
            "/api/v1/audit",
            AUDIT,
            Box::new(|_| http.get(url("/api/v1/audit"))),
        ),
        (
            "GET",
            "/api/v1/audit/checkpoints",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/audit/checkpoints"))),
        ),
        (
            "GET",
            "/.well-known/toolreg-audit-key",
            PUBLIC,
            Box::new(|_| http.get(url("/.well-known/toolreg-audit-key"))),
        ),
        (
            "GET",
            "/api/v1/subscriptions",
            SUBSCRIBERS,
            Box::new(|_| http.get(url("/api/v1/subscriptions"))),
        ),
        (
            "POST",
            "/api/v1/subscriptions",
            SUBSCRIBING,
            // Invalid (an empty scope): allowed callers get 422.
            Box::new(|_| {
                http.post(url("/api/v1/subscriptions")).json(&json!({
                    "scope": {"kind": "tools", "ids": []},
                    "channel": {"kind": "email", "addresses": ["a@b.no"], "digest": "weekly"}
                }))
            }),
        ),
        (
            "GET",
            "/api/v1/subscriptions/{id}",
            SUBSCRIBERS,
            Box::new(|_| http.get(url(&format!("/api/v1/subscriptions/{sub}")))),
        ),
        (
            "PUT",
            "/api/v1/subscriptions/{id}",
            SUBSCRIPTION_WRITERS,
            // No If-Match: allowed callers get 428.
            Box::new(|_| {
                http.put(url(&format!("/api/v1/subscriptions/{sub}")))
                    .json(&json!({"scope": {"kind": "all"}, "channel": {"kind": "email", "addresses": ["a@b.no"], "digest": "weekly"}}))
            }),
        ),
        (
            "GET",
            "/api/v1/requirements",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/requirements"))),
        ),
        (
            "GET",
            "/api/v1/tools/{id_or_slug}/requirement-answers",
            ANSWER_READERS,
            Box::new(|_| http.get(url("/api/v1/tools/kahoot/requirement-answers"))),
        ),
        (
            "PUT",
            "/api/v1/tools/{id_or_slug}/requirement-answers",
            OWN_VENDOR,
            // Valid, so only the caller decides the answer.
            Box::new(|_| {
                http.put(url("/api/v1/tools/kahoot/requirement-answers"))
                    .json(&json!({"catalogue_version": 1, "answers": []}))
            }),
        ),
        (
            "GET",
            "/api/v1/vendors/{id}/status",
            VENDOR_STATUS,
            Box::new(|_| http.get(url(&format!("/api/v1/vendors/{vendor_id}/status")))),
        ),
        (
            "GET",
            "/api/v1/submissions",
            SUBMISSION_READERS,
            Box::new(|_| http.get(url("/api/v1/submissions"))),
        ),
        (
            "POST",
            "/api/v1/submissions",
            VENDORS,
            Box::new(|_| http.post(url("/api/v1/submissions")).json(&json!({}))),
        ),
        (
            "GET",
            "/api/v1/submissions/{id}",
            SUBMISSION_READERS,
            Box::new(|_| http.get(url(&format!("/api/v1/submissions/{submission}")))),
        ),
        (
            "PUT",
            "/api/v1/submissions/{id}",
            VENDORS,
            Box::new(|_| {
                http.put(url(&format!("/api/v1/submissions/{submission}")))
                    .json(&json!({}))
            }),
        ),
        (
            "POST",
            "/api/v1/submissions/{id}/comments",
            COMMENTERS,
            Box::new(|_| {
                http.post(url(&format!("/api/v1/submissions/{submission}/comments")))
                    .json(&json!({"text": "Spørsmål om listen"}))
            }),
        ),
        (
            "POST",
            "/api/v1/submissions/{id}/triage",
            TRIAGERS,
            // A move triage cannot make (409) once the caller may triage.
            Box::new(|_| {
                http.post(url(&format!("/api/v1/submissions/{submission}/triage")))
                    .json(&json!({"status": "submitted"}))
            }),
        ),
        (
            "POST",
            "/api/v1/submissions/{id}/reassessment",
            REASSESSORS,
            Box::new(|_| {
                http.post(url(&format!(
                    "/api/v1/submissions/{submission}/reassessment"
                )))
            }),
        ),
        (
            "GET",
            "/api/v1/documents",
            PUBLIC,
            Box::new(|_| http.get(url("/api/v1/documents"))),
        ),
        (
            "POST",
            "/api/v1/documents",
            VENDORS,
            // Not multipart: refused as malformed once the caller may send.
            Box::new(|_| http.post(url("/api/v1/documents")).body("x")),
        ),
        (
            "GET",
            "/api/v1/documents/{id}",
            PUBLIC,
            Box::new(|_| http.get(url(&format!("/api/v1/documents/{missing}")))),
        ),
        (
            "GET",
            "/api/v1/documents/{id}/content",
            PUBLIC,
            Box::new(|_| http.get(url(&format!("/api/v1/documents/{missing}/content")))),
        ),
        (
            "POST",
            "/api/v1/subscriptions/{id}/pause",
            SUBSCRIBERS,
            Box::new(|_| http.post(url(&format!("/api/v1/subscriptions/{sub}/pause")))),
        ),
        (
            "POST",
            "/api/v1/subscriptions/{id}/resume",
            SUBSCRIBERS,
            Box::new(|_| http.post(url(&format!("/api/v1/subscriptions/{sub}/resume")))),
        ),
        (
            "POST",
            "/api/v1/subscriptions/{id}/rotate-secret",
            SUBSCRIBERS,
            Box::new(|_| http.post(url(&format!("/api/v1/subscriptions/{sub}/rotate-secret")))),
        ),
        (
            "POST",
            "/api/v1/subscriptions/{id}/test",
            SUBSCRIBERS,
            Box::new(|_| http.post(url(&format!("/api/v1/subscriptions/{sub}/test")))),
        ),
        (
            "GET",
            "/api/v1/subscriptions/{id}/deliveries",
            SUBSCRIBERS,
            Box::new(|_| http.get(url(&format!("/api/v1/subscriptions/{sub}/deliveries")))),
        ),
        (
            "POST",
            "/api/v1/subscriptions/{id}/deliveries/{delivery_id}/redeliver",
            SUBSCRIBERS,
            Box::new(|_| {
                http.post(url(&format!(
                    "/api/v1/subscriptions/{sub}/deliveries/{missing}/redeliver"
                )))
            }),
        ),
        // Last: it deletes the subscription the others act on.
        (
            "DELETE",
            "/api/v1/subscriptions/{id}",
            SUBSCRIBERS,
            Box::new(|_| http.delete(url(&format!("/api/v1/subscriptions/{sub}")))),
        ),
    ];

    // The table covers exactly what the service documents.
    let doc = get("/api/v1/openapi.json");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .into_iter()
                .flat_map(move |ops| ops.keys().map(move |m| (m.to_uppercase(), p.clone())))
        })
        .collect();
    let listed: BTreeSet<(String, String)> = routes
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, listed, "routes and the access table differ");

    let mut wrong = Vec::new();
    for (method, path, allowed, build) in &routes {
        for (caller, bearer) in &tokens {
            let mut req = build(&format!("{caller:?}").to_lowercase());
            if let Some(t) = bearer {
                req = req.bearer_auth(t);
            }
            let status = req.send().map(|r| r.status().as_u16()).unwrap_or(0);
            let expected_ok = allowed.contains(caller);
            let ok = if expected_ok {
                status != 401 && status != 403 && status != 0 && status < 500
            } else {
                status == if *caller == Anonymous { 401 } else { 403 }
            };
            if !ok {
                wrong.push(format!(
                    "{method} {path} as {caller:?}: {status} (allowed: {expected_ok})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "unexpected answers:\n{}",
        wrong.join("\n")
    );
}
