//! A municipality's own part, through the real binary: Trondheim adds Google
//! Workspace for Education to its inventory, screens it, completes the
//! local part and accepts version 3 of the national DPIA; KS publishes
//! version 4 with a new condition; the entry becomes "changed since your
//! acceptance" with the diff, and the overview and the CSV record follow
//! each step. Then: who hears of it, and the public usage count.

use reqwest::Method;
use serde_json::{json, Value};
use toolreg_tests::{token, Api};

const TRONDHEIM: &str = "942110464";
const BERGEN: &str = "964338531";

/// The CSV record as text, checked for its byte order mark.
fn csv(api: &Api, org: &str, as_: &str) -> String {
    let r = api.send(
        Method::GET,
        &format!("/organisations/{org}/processing-record.csv"),
        as_,
        None,
        None,
    );
    assert_eq!(r.status(), 200);
    let media = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(media.starts_with("text/csv; charset=utf-8"), "{media}");
    let bytes = r.bytes().expect("body");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte order mark first");
    String::from_utf8(bytes[3..].to_vec()).expect("UTF-8")
}

/// The CSV row of a tool, split into fields (the sample's fields hold no
/// quoted separators in the columns read here).
fn csv_row(text: &str, tool: &str) -> Vec<String> {
    text.split("\r\n")
        .find(|l| l.starts_with(tool))
        .map(|l| {
            l.split(';')
                .map(|f| f.trim_matches('"').to_string())
                .collect()
        })
        .unwrap_or_else(|| panic!("no row for {tool} in:\n{text}"))
}

fn overview(api: &Api, org: &str, as_: &str) -> Value {
    api.read(&format!("/organisations/{org}/overview"), as_).1
}

#[test]
fn a_municipality_screens_completes_accepts_and_learns_of_a_new_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let trondheim = token(
        dir.path(),
        "trd-personvern",
        &["municipality"],
        Some(TRONDHEIM),
    );
    let org = api.organisation_id(TRONDHEIM);
    let gw: Value = api
        .get("/tools/google-workspace-for-education")
        .json()
        .expect("tool");
    let gw_id = gw["id"].as_str().expect("id");

    // Nothing yet.
    let empty = overview(&api, &org, &trondheim);
    assert_eq!(empty["in_use"], 0);

    // 1. Add the tool; the legal basis is suggested.
    let entry = api.created(
        &format!("/organisations/{org}/inventory"),
        &trondheim,
        &json!({
            "tool": {"kind": "registry", "tool_id": gw_id},
            "grades": [8, 9, 10],
            "subjects": ["norsk", "samfunnsfag"],
            "purpose": "Samskriving og innlevering på ungdomstrinnet",
            "data_categories": ["navn", "Feide-identitet", "elevarbeider"],
            "data_subjects": ["pupils", "teachers"],
            "agreement": {"status": "signed", "signed_on": "2026-08-01", "reference": "2026/0815"},
            "owner": "Kommunaldirektør oppvekst og utdanning",
            "status": "in_use"
        }),
    );
    let entry_id = entry["id"].as_str().expect("entry id").to_string();
    let path = format!("/organisations/{org}/inventory/{entry_id}");
    assert_eq!(entry["legal_basis"], "public_task");
    assert!(entry["supplementary_basis"]
        .as_str()
        .is_some_and(|s| s.starts_with("Opplæringslova")));
    assert_eq!(entry["state"]["state"], "local_part_incomplete");
    let conditions = entry["state"]["conditions"]
        .as_array()
        .expect("conditions")
        .clone();
    let in_force = entry["state"]["in_force"].clone();
    assert_eq!(
        in_force["version"], 3,
        "the sample's national DPIA is at v3"
    );
    assert_eq!(entry["state"]["conditions_missing"], conditions.len());
    let o = overview(&api, &org, &trondheim);
    assert_eq!(o["in_use"], 1);
    assert_eq!(o["by_state"]["local_part_incomplete"], 1);
    assert_eq!(o["not_screened"], 1);
    let row = csv_row(
        &csv(&api, &org, &trondheim),
        "Google Workspace for Education",
    );
    assert_eq!(row[16], "Lokal del ufullstendig");
    assert_eq!(row[15], "Ikke godkjent");
    assert_eq!(row[17], "Ikke kartlagt");

    // 2. Screening: a proposal from the registry's facts, saved as is.
    let (_, proposal) = api.read(&format!("{path}/screening"), &trondheim);
    assert_eq!(proposal["stored"], false);
    assert_eq!(proposal["prefilled_from"], in_force);
    assert_eq!(proposal["outcome"]["processes_personal_data"], "yes");
    assert_eq!(proposal["outcome"]["dpia"], "required");
    let (tag, _) = api.read(&path, &trondheim);
    let screened = api.put(
        &format!("{path}/screening"),
        &trondheim,
        &tag,
        &proposal["answers"],
    );
    assert_eq!(screened.status(), 200);
    let screened: Value = screened.json().expect("entry");
    let outcome = &screened["screening"]["outcome"];
    assert_eq!(outcome["processes_personal_data"], "yes");
    assert_eq!(outcome["dpia_required"], true);
    let reasons: Vec<&str> = outcome["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("Innlogging")
            || r.contains("Feide-identitet")
            || r.contains("Personopplysninger:")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("barn er det")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("DPIA kreves")),
        "{reasons:?}"
    );
    let o = overview(&api, &org, &trondheim);
    assert_eq!(
        (o["not_screened"].clone(), o["dpia_required"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(
        csv_row(&csv(&api, &org, &trondheim), "Google Workspace")[17],
        "DPIA kreves"
    );

    // 3. Accepting before every condition has a status is refused.
    let (tag, _) = api.read(&path, &trondheim);
    let acceptance = json!({
        "assessment_id": in_force["assessment_id"], "version": 3,
        "accepted_by_name": "Ingrid Trøndelag", "accepted_by_role": "kommunaldirektør oppvekst og utdanning"
    });
    let early = api.send(
        Method::POST,
        &format!("{path}/acceptance"),
        &trondheim,
        Some(&tag),
        Some(&acceptance),
    );
    assert_eq!(early.status(), 409);
    let early: Value = early.json().expect("problem");
    assert!(
        early["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("local-part-incomplete")),
        "{early}"
    );

    // 4. The local part: every condition followed up, a local risk.
    let follow_up: Vec<Value> = conditions
        .iter()
        .map(|c| {
            let mandatory = c["condition"]["mandatory"].as_bool() == Some(true);
            json!({"key": c["key"], "status": if mandatory { "done" } else { "not_applicable" },
                   "note": "Kontrollert", "evidence": "Sak 2026/0815, dokument 4"})
        })
        .collect();
    let local = api.put(
        &format!("{path}/local-part"),
        &trondheim,
        &tag,
        &json!({
            "conditions": follow_up,
            "settings": [{"key": "google.workspace.additional_services.off", "value": "av"}],
            "risks": [{"title": "Foresatte ber om innsyn i elevarbeider", "likelihood": 2, "consequence": 3,
                       "residual_likelihood": 1, "residual_consequence": 3, "measures": "Rutine for innsyn"}]
        }),
    );
    assert_eq!(local.status(), 200);
    let local: Value = local.json().expect("entry");
    assert_eq!(local["state"]["conditions_missing"], 0);
    assert_eq!(
        local["state"]["state"], "local_part_incomplete",
        "not accepted yet"
    );
    // A status for a condition the verdict does not have is refused.
    let (tag, _) = api.read(&path, &trondheim);
    let stray = api.put(
        &format!("{path}/local-part"),
        &trondheim,
        &tag,
        &json!({"conditions": [{"key": "text:Finnes ikke", "status": "done"}]}),
    );
    assert_eq!(stray.status(), 422);

    // 5. Accept version 3.
    let (tag, _) = api.read(&path, &trondheim);
    let accepted = api.send(
        Method::POST,
        &format!("{path}/acceptance"),
        &trondheim,
        Some(&tag),
        Some(&acceptance),
    );
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().expect("entry");
    assert_eq!(accepted["state"]["state"], "ready");
    assert_eq!(accepted["acceptance"]["version"], 3);
    assert_eq!(
        accepted["acceptance"]["accepted_by_name"],
        "Ingrid Trøndelag"
    );
    let o = overview(&api, &org, &trondheim);
    assert_eq!(o["by_state"]["ready"], 1);
    let row = csv_row(&csv(&api, &org, &trondheim), "Google Workspace");
    assert_eq!(row[16], "Klar");
    assert!(row[15].starts_with("Godkjent versjon 3"), "{row:?}");
    assert!(
        row[15].contains("Ingrid Trøndelag"),
        "Norwegian letters intact: {row:?}"
    );

    // 6. KS publishes version 4 with a new condition.
    let assessment = in_force["assessment_id"].as_str().expect("assessment");
    let (draft_tag, draft) = api.read(&format!("/assessments/{assessment}/draft"), &api.drafter);
    let mut next = draft["draft"].clone();
    let new_condition = "Elever under 13 år skal ikke ha tilgang til Gemini-appen.";
    next["conditions"]
        .as_array_mut()
        .expect("conditions")
        .push(json!({"text": new_condition, "audience": "school_owner", "mandatory": true}));
    next["change_note"] = json!("Nytt vilkår om Gemini for de yngste elevene.");
    let saved = api.put(
        &format!("/assessments/{assessment}/draft"),
        &api.drafter,
        &draft_tag,
        &next,
    );
    assert_eq!(saved.status(), 200, "saving the draft");
    api.publish(assessment, &toolreg_tests::etag(&saved));

    // 7. The entry is changed since the acceptance, with the diff.
    let (_, changed) = api.read(&path, &trondheim);
    assert_eq!(changed["state"]["state"], "changed_since_acceptance");
    assert_eq!(changed["state"]["in_force"]["version"], 4);
    assert!(
        changed["verdict_changed_at"].is_string(),
        "marked when v4 was published"
    );
    let added: Vec<&str> = changed["changes"]["conditions_added"]
        .as_array()
        .expect("conditions added")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(added, [new_condition], "{}", changed["changes"]);
    assert_eq!(changed["state"]["conditions_missing"], 1);
    let o = overview(&api, &org, &trondheim);
    assert_eq!(o["by_state"]["changed_since_acceptance"], 1);
    assert_eq!(o["by_state"]["ready"], 0);
    assert_eq!(o["conditions_missing"], 1);
    let row = csv_row(&csv(&api, &org, &trondheim), "Google Workspace");
    assert_eq!(row[16], "Nasjonal vurdering endret siden godkjenning");
    assert_eq!(row[14], "Godkjent med vilkår, versjon 4");

    // 8. Trondheim hears of it privately; Bergen (which accepted v3 in the
    // sample data) of its own entry only; reviewers and vendors not at all.
    let private_of = |as_: &str| -> Vec<Value> {
        let (_, events) = api.read("/events?limit=200", as_);
        events
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["type"] == "no.toolreg.inventory.verdict_changed")
            .cloned()
            .collect()
    };
    let mine = private_of(&trondheim);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        mine[0]["subject"],
        format!("organisations/{org}/inventory/{entry_id}")
    );
    assert_eq!(mine[0]["audience"], org);
    assert_eq!(mine[0]["data"]["reason"], "published");
    let bergen = token(dir.path(), "bgo", &["municipality"], Some(BERGEN));
    let bergen_id = api.organisation_id(BERGEN);
    let theirs = private_of(&bergen);
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["audience"], bergen_id);
    assert!(
        private_of(&api.drafter).is_empty(),
        "reviewers do not read municipalities' own part"
    );
    let vendor = token(dir.path(), "kahoot", &["vendor"], Some("997770234"));
    assert!(private_of(&vendor).is_empty());

    // 9. Another municipality cannot read Trondheim's entry.
    let refused = api.send(Method::GET, &path, &bergen, None, None);
    assert_eq!(refused.status(), 403);

    // 10. The printable record, as a page: Trondheim's only, never cached.
    let page_url = api
        .server
        .url(&format!("/kommuner/{org}/behandlingsprotokoll"));
    let page = api
        .http
        .get(&page_url)
        .bearer_auth(&trondheim)
        .send()
        .expect("page");
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    let html = page.text().expect("html");
    assert!(html.contains("Google Workspace for Education"));
    assert!(
        html.contains("Godkjent versjon 3"),
        "the acceptance, with its version"
    );
    assert!(html.contains("Ingrid Trøndelag"));
    let other = api
        .http
        .get(&page_url)
        .bearer_auth(&bergen)
        .send()
        .expect("page");
    assert_eq!(other.status(), 403);
    let anonymous = api.http.get(&page_url).send().expect("page");
    assert_eq!(anonymous.status(), 401);
}

#[test]
fn a_local_tool_is_proposed_to_the_reviewers_and_no_one_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let bergen = token(dir.path(), "bgo", &["municipality"], Some(BERGEN));
    let org = api.organisation_id(BERGEN);
    // Bergen's sample inventory holds the local tool Lesemester.
    let (_, list) = api.read(&format!("/organisations/{org}/inventory?limit=50"), &bergen);
    let items = list["items"].as_array().expect("items");
    let local = items
        .iter()
        .find(|e| e["tool"]["kind"] == "local")
        .expect("a local tool in the sample");
    assert_eq!(local["state"]["state"], "no_national_verdict");
    let path = format!(
        "/organisations/{org}/inventory/{}",
        local["id"].as_str().expect("id")
    );
    let (tag, _) = api.read(&path, &bergen);
    let proposed = api.send(
        Method::POST,
        &format!("{path}/proposal"),
        &bergen,
        Some(&tag),
        None,
    );
    assert_eq!(proposed.status(), 200);
    let proposed: Value = proposed.json().expect("entry");
    assert!(proposed["proposed_at"].is_string());
    // Once.
    let (tag, _) = api.read(&path, &bergen);
    let again = api.send(
        Method::POST,
        &format!("{path}/proposal"),
        &bergen,
        Some(&tag),
        None,
    );
    assert_eq!(again.status(), 409);
    // A registry tool is not proposed.
    let registry = items
        .iter()
        .find(|e| e["tool"]["kind"] == "registry")
        .expect("a registry tool");
    let registry_path = format!(
        "/organisations/{org}/inventory/{}",
        registry["id"].as_str().expect("id")
    );
    let (tag, _) = api.read(&registry_path, &bergen);
    let refused = api.send(
        Method::POST,
        &format!("{registry_path}/proposal"),
        &bergen,
        Some(&tag),
        None,
    );
    assert_eq!(refused.status(), 409);

    let proposals_of = |as_: &str| -> Vec<Value> {
        let (_, events) = api.read("/events?limit=200", as_);
        events
            .as_array()
            .expect("events")
            .iter()
            .filter(|e| e["type"] == "no.toolreg.inventory.tool_proposed")
            .cloned()
            .collect()
    };
    let seen = proposals_of(&api.drafter);
    assert_eq!(seen.len(), 1, "the reviewers read it");
    assert_eq!(seen[0]["data"]["name"], "Lesemester");
    assert_eq!(seen[0]["data"]["organisation_name"], "Bergen kommune");
    assert_eq!(
        proposals_of(&bergen).len(),
        1,
        "and the municipality itself"
    );
    let oslo = token(dir.path(), "osl", &["municipality"], Some("974760673"));
    assert!(
        proposals_of(&oslo).is_empty(),
        "another municipality does not"
    );
    let vendor = token(dir.path(), "kahoot", &["vendor"], Some("997770234"));
    assert!(proposals_of(&vendor).is_empty(), "nor a vendor");
}

#[test]
fn the_public_count_of_municipalities_appears_from_five() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = Api::start(dir.path(), &[("TOOLREG_RATE_LIMIT", "false")]);
    let kahoot: Value = api.get("/tools/kahoot").json().expect("tool");
    // Bergen and Oslo use it in the sample data: too few to tell.
    assert!(
        kahoot["municipalities_using"].is_null(),
        "{}",
        kahoot["municipalities_using"]
    );
    let add = |org_number: &str| {
        let t = token(dir.path(), org_number, &["municipality"], Some(org_number));
        let org = api.organisation_id(org_number);
        api.created(
            &format!("/organisations/{org}/inventory"),
            &t,
            &json!({"tool": {"kind": "registry", "tool_id": kahoot["id"]}, "purpose": "Quiz",
                    "agreement": {"status": "none"}, "owner": "Rektor", "status": "trial"}),
        );
    };
    add(TRONDHEIM);
    add("964965226"); // Stavanger
    let four: Value = api.get("/tools/kahoot").json().expect("tool");
    assert!(
        four["municipalities_using"].is_null(),
        "four is still too few"
    );
    add("940101808"); // Tromsø
    let five: Value = api.get("/tools/kahoot").json().expect("tool");
    assert_eq!(five["municipalities_using"], 5);
    let page = api
        .http
        .get(api.server.url("/verktoy/kahoot"))
        .send()
        .and_then(|r| r.text())
        .expect("page");
    assert!(
        page.contains("5 kommuner og fylkeskommuner"),
        "the tool page says so"
    );
    assert!(!page.contains("Trondheim"), "and never which");
}
