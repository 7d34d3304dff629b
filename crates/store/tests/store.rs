//! Store tests: every test runs on SQLite, and on PostgreSQL when
//! TOOLREG_TEST_POSTGRES_URL is set.

use diesel::connection::SimpleConnection;
use toolreg_core::assessment::{AssessmentInput, AssessmentKind, AssessmentStatus};
use toolreg_core::document::{DocumentFile, DocumentInput, DocumentKind, Visibility};
use toolreg_core::event::{EventReader, EventType, Severity};
use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
use toolreg_core::submission::{Party, SubmissionContent, SubmissionInput, SubmissionStatus};
use toolreg_core::subprocessor::{
    SubprocessorEntry, SubprocessorRevisionInput, SubprocessorRole, TransferMechanism,
};
use toolreg_core::tool::LoginMethod;
use toolreg_core::verdict::{ReviewedSubprocessors, VerdictLevel};
use toolreg_store::tables::audit::Actor;
use toolreg_store::tables::tool::ToolFilter;
use toolreg_store::tables::*;
use toolreg_store::test_fixtures::*;
use toolreg_store::test_support::TestDb;
use toolreg_store::*;
use uuid::Uuid;

fn each_backend(test: impl Fn(&mut DbConnection, &str)) {
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        test(&mut conn, db.name());
    }
}

#[test]
fn migrations_are_idempotent() {
    each_backend(|conn, backend| {
        assert_eq!(
            migrate::run_pending(conn).ok(),
            Some(0),
            "{backend}: second run applies nothing"
        );
    });
}

#[test]
fn organisations_validate_update_with_revision_and_page_by_name() {
    each_backend(|conn, backend| {
        let id = Uuid::now_v7();
        let mut input = OrganisationInput {
            kind: OrganisationKind::Municipality,
            name: "Bergen kommune".into(),
            org_number: Some("964 338 531".into()),
            municipality_number: Some("4601".into()),
            country: None,
            website: None,
        };
        let created = ops::organisation::create(conn, &ctx(1), id.into(), &input).expect("insert");
        assert_eq!(
            created.org_number.as_deref(),
            Some("964338531"),
            "{backend}"
        );
        let found = organisation::find_by_org_number(conn, "964338531").expect("find");
        assert_eq!(found.map(|o| o.id), Some(id));

        // The same organisation number twice is a conflict, not a crash.
        let dup = ops::organisation::create(conn, &ctx(1), Uuid::now_v7().into(), &input);
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{backend}: {dup:?}"
        );

        input.name = "Bergen kommune (oppvekst)".into();
        let updated =
            ops::organisation::update(conn, &ctx(2), id.into(), &input, Some(1)).expect("update");
        assert_eq!(
            (updated.revision, updated.created_at, updated.updated_at),
            (2, at(1), at(2))
        );
        let stale = ops::organisation::update(conn, &ctx(3), id.into(), &input, Some(1));
        assert!(matches!(stale, Err(StoreError::Stale)), "{backend}");

        let mut bad = input.clone();
        bad.org_number = Some("964338532".into());
        let invalid = ops::organisation::create(conn, &ctx(1), Uuid::now_v7().into(), &bad);
        assert!(matches!(invalid, Err(StoreError::Invalid(v)) if v.0[0].pointer == "/org_number"));

        for name in ["Alfa", "Beta", "Gamma"] {
            vendor(conn, name);
        }
        let first =
            organisation::list(conn, Some(OrganisationKind::Vendor), &PageRequest::first(2))
                .expect("list");
        assert_eq!(
            first
                .items
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>(),
            ["Alfa", "Beta"]
        );
        let next = PageRequest {
            limit: 2,
            after: first.next.clone(),
        };
        let second =
            organisation::list(conn, Some(OrganisationKind::Vendor), &next).expect("page 2");
        assert_eq!(
            second
                .items
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>(),
            ["Gamma"]
        );
        assert_eq!(second.next, None);
    });
}

#[test]
fn tools_round_trip_filter_and_reject_duplicate_slugs() {
    each_backend(|conn, backend| {
        let v1 = vendor(conn, "Kahoot! ASA");
        let v2 = vendor(conn, "Creaza AS");
        let kahoot = tool(conn, "kahoot", v1);
        let creaza = tool(conn, "creaza", v2);
        let got = tool::get_by_id_or_slug(conn, "kahoot").expect("by slug");
        assert_eq!(got.id, kahoot, "{backend}");
        assert_eq!(
            tool::get_by_id_or_slug(conn, &creaza.to_string())
                .map(|t| t.input.slug)
                .ok()
                .as_deref(),
            Some("creaza")
        );
        assert_eq!(
            got.input,
            tool_input("kahoot", "KAHOOT", v1),
            "{backend}: input survives the round trip"
        );

        let dup = ops::tool::create(
            conn,
            &ctx(1),
            Uuid::now_v7().into(),
            &tool_input("kahoot", "Again", v1),
            "reviewer",
        );
        assert!(
            matches!(
                &dup,
                Err(StoreError::Conflict(ConflictKind::Taken {
                    field: Some("slug")
                }))
            ),
            "{backend}: {dup:?}"
        );
        let orphan = ops::tool::create(
            conn,
            &ctx(1),
            Uuid::now_v7().into(),
            &tool_input("orphan", "Orphan", Uuid::now_v7()),
            "reviewer",
        );
        assert!(
            matches!(orphan, Err(StoreError::NotFound { .. })),
            "{backend}"
        );

        // Change Creaza's login method; the facet filter must follow.
        let mut input = tool_input("creaza", "CREAZA", v2);
        input.login_methods = vec![LoginMethod::Microsoft];
        ops::tool::update(conn, &ctx(2), creaza.into(), &input, Some(1), "vendor").expect("update");
        // Every state is kept, with what changed and in what capacity.
        let history =
            toolreg_store::tables::tool_revision::list(conn, creaza, 10).expect("history");
        assert_eq!(
            history
                .iter()
                .map(|r| (r.revision, r.editor.as_str(), r.changed_fields.len()))
                .collect::<Vec<_>>()[0],
            (2, "vendor", 1),
            "{backend}"
        );
        assert_eq!(history[0].changed_fields, ["login_methods"]);
        assert_eq!(history[0].tool, input);
        assert_eq!(history[1].revision, 1);
        assert!(history[1].changed_fields.contains(&"slug".to_string()));
        let feide = ToolFilter {
            login_method: Some(LoginMethod::Feide),
            ..Default::default()
        };
        let page = read_model::list(conn, &feide, &PageRequest::first(50)).expect("list");
        assert_eq!(
            page.items.iter().map(|v| v.tool.id).collect::<Vec<_>>(),
            [kahoot],
            "{backend}"
        );
        let by_vendor = ToolFilter {
            vendor_id: Some(v2),
            ..Default::default()
        };
        let page = read_model::list(conn, &by_vendor, &PageRequest::first(50)).expect("list");
        assert_eq!(
            page.items.iter().map(|v| v.tool.id).collect::<Vec<_>>(),
            [creaza],
            "{backend}"
        );
        let quiz = ToolFilter {
            category: Some("quiz".into()),
            ..Default::default()
        };
        assert_eq!(
            read_model::list(conn, &quiz, &PageRequest::first(50))
                .map(|p| p.items.len())
                .ok(),
            Some(2)
        );
        assert_eq!(tool::count(conn).ok(), Some(2));
    });
}

fn revision(entries: Vec<SubprocessorEntry>) -> SubprocessorRevisionInput {
    SubprocessorRevisionInput {
        note: "Fra leverandørens liste".into(),
        source_url: None,
        entries,
    }
}

fn entry(id: &str, parent: Option<&str>, country: &str, m: TransferMechanism) -> SubprocessorEntry {
    SubprocessorEntry {
        id: id.into(),
        parent: parent.map(Into::into),
        name: id.into(),
        legal_id: None,
        country: country.into(),
        role: SubprocessorRole::SubProcessor,
        purpose: "Drift".into(),
        data_categories: vec![],
        processing_countries: vec![],
        transfer_mechanism: m,
    }
}

#[test]
fn subprocessor_revisions_are_numbered_per_tool() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Showbie Inc.");
        let t = tool(conn, "showbie", v);
        assert_eq!(subprocessor_revision::latest(conn, t).ok(), Some(None));
        let r1 = revision(vec![entry("aws", None, "CA", TransferMechanism::Adequacy)]);
        let r2 = revision(vec![
            entry("aws", None, "CA", TransferMechanism::Adequacy),
            entry("sendgrid", Some("aws"), "US", TransferMechanism::Dpf),
        ]);
        let first =
            ops::subprocessors::append(conn, &ctx_by("vendor", 2), Uuid::now_v7(), t.into(), &r1)
                .map(|r| r.revision)
                .expect("r1");
        let second =
            ops::subprocessors::append(conn, &ctx_by("vendor", 3), Uuid::now_v7(), t.into(), &r2)
                .map(|r| r.revision)
                .expect("r2");
        assert_eq!((first.revision, second.revision), (1, 2), "{backend}");
        assert_eq!(
            subprocessor_revision::get(conn, t, 1)
                .map(|r| r.entries)
                .ok(),
            Some(r1.entries)
        );
        assert_eq!(
            subprocessor_revision::latest(conn, t)
                .ok()
                .flatten()
                .map(|r| r.revision),
            Some(2)
        );
        assert_eq!(
            subprocessor_revision::list(conn, t).map(|l| l.len()).ok(),
            Some(2)
        );
        let missing = subprocessor_revision::get(conn, t, 9);
        assert!(matches!(missing, Err(StoreError::NotFound { .. })));
        let bad = revision(vec![entry("x", Some("nope"), "US", TransferMechanism::Eea)]);
        assert!(matches!(
            ops::subprocessors::append(conn, &ctx_by("vendor", 4), Uuid::now_v7(), t.into(), &bad)
                .map(|r| r.revision),
            Err(StoreError::Invalid(_))
        ));
    });
}

#[test]
fn verdicts_are_versioned_queryable_as_of_and_withdrawable() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Google Ireland Ltd");
        let r = reviewer(conn);
        let t = tool(conn, "google-workspace", v);
        let rev = ops::subprocessors::append(
            conn,
            &ctx_by("vendor", 2),
            Uuid::now_v7(),
            t.into(),
            &revision(vec![entry("gcp", None, "IE", TransferMechanism::Eea)]),
        )
        .map(|r| r.revision)
        .expect("revision");
        let input = AssessmentInput {
            kind: AssessmentKind::NationalDpia,
            title: "Nasjonal DPIA".into(),
            tool_ids: vec![t],
            reviewer_org_id: r,
        };
        let a =
            ops::assessment::create(conn, &ctx(3), Uuid::now_v7().into(), &input).expect("create");
        assert_eq!((a.status, a.draft_revision), (AssessmentStatus::Draft, 1));

        // Publishing with no draft is refused.
        let empty =
            ops::assessment::publish(conn, &ctx_by("rev-1", 4), a.id.into(), Uuid::now_v7(), None);
        assert!(matches!(empty, Err(StoreError::Conflict(_))), "{backend}");

        let mut d1 = draft(VerdictLevel::NotRecommended, "Første vurdering");
        d1.content.subprocessor_revisions = vec![ReviewedSubprocessors {
            tool_id: t,
            revision: rev.revision,
        }];
        let a =
            ops::assessment::replace_draft(conn, &ctx_by("rev-1", 4), a.id.into(), &d1, Some(1))
                .expect("draft");
        assert_eq!(a.draft_revision, 2);
        let stale = ops::assessment::publish(
            conn,
            &ctx_by("rev-2", 5),
            a.id.into(),
            Uuid::now_v7(),
            Some(1),
        );
        assert!(matches!(stale, Err(StoreError::Stale)), "{backend}");
        let v1 = ops::assessment::publish(
            conn,
            &ctx_by("rev-2", 5),
            a.id.into(),
            Uuid::now_v7(),
            Some(2),
        )
        .expect("v1");
        assert_eq!((v1.version, v1.published_at), (1, at(5)));
        assert_eq!(v1.content_sha256, d1.content.sha256());

        let again =
            ops::assessment::publish(conn, &ctx_by("rev-2", 6), a.id.into(), Uuid::now_v7(), None);
        assert!(
            matches!(
                again,
                Err(StoreError::Conflict(ConflictKind::DraftUnchanged))
            ),
            "{backend}: unchanged draft"
        );

        let mut bad_ref = d1.clone();
        bad_ref.content.subprocessor_revisions[0].revision = 7;
        let refused =
            ops::assessment::replace_draft(conn, &ctx_by("rev-1", 6), a.id.into(), &bad_ref, None);
        assert!(
            matches!(refused, Err(StoreError::Invalid(v)) if v.0[0].pointer == "/subprocessor_revisions/0/revision")
        );

        let d2 = draft(
            VerdictLevel::ApprovedWithConditions,
            "Leverandøren har innført EU-lagring",
        );
        ops::assessment::replace_draft(conn, &ctx_by("rev-1", 7), a.id.into(), &d2, None)
            .expect("draft 2");
        let v2 =
            ops::assessment::publish(conn, &ctx_by("rev-2", 8), a.id.into(), Uuid::now_v7(), None)
                .expect("v2");
        assert_eq!(v2.version, 2);

        let level_at = |conn: &mut DbConnection, day| {
            verdict_version::as_of(conn, t, at(day))
                .expect("as_of")
                .map(|v| (v.version, v.content.level))
        };
        assert_eq!(
            level_at(conn, 4),
            None,
            "{backend}: before the first version"
        );
        assert_eq!(
            level_at(conn, 5),
            Some((1, VerdictLevel::NotRecommended)),
            "{backend}: at v1"
        );
        assert_eq!(
            level_at(conn, 7),
            Some((1, VerdictLevel::NotRecommended)),
            "{backend}: between"
        );
        assert_eq!(
            level_at(conn, 8),
            Some((2, VerdictLevel::ApprovedWithConditions)),
            "{backend}: at v2"
        );

        let fetched = verdict_version::get(conn, a.id, 1).expect("get v1");
        assert_eq!(
            fetched, v1,
            "{backend}: a version reads back exactly as published"
        );

        let withdrawn = ops::assessment::withdraw(
            conn,
            &ctx_by("rev-2", 10),
            a.id.into(),
            "Erstattet av ny vurdering",
        )
        .expect("withdraw");
        assert_eq!(withdrawn.status, AssessmentStatus::Withdrawn);
        assert_eq!(
            level_at(conn, 9),
            Some((2, VerdictLevel::ApprovedWithConditions)),
            "{backend}: before withdrawal"
        );
        assert_eq!(level_at(conn, 11), None, "{backend}: after withdrawal");
        assert_eq!(verdict_version::current(conn, t).ok(), Some(None));
        let after =
            ops::assessment::replace_draft(conn, &ctx_by("rev-1", 12), a.id.into(), &d2, None);
        assert!(
            matches!(after, Err(StoreError::Conflict(_))),
            "{backend}: withdrawn is final"
        );

        let history = verdict_version::history_for_tool(conn, t).expect("history");
        let lines: Vec<(i32, bool)> = history
            .iter()
            .map(|h| (h.verdict.version, h.withdrawal.is_some()))
            .collect();
        assert_eq!(
            lines,
            [(2, true), (1, true)],
            "{backend}: newest first, marked withdrawn"
        );

        // The log has one event per public change, in order, with severity
        // by the rules of the event log.
        let events = event::list_after(conn, 0, 100, EventReader::Everything).expect("events");
        let kinds: Vec<(EventType, Severity)> =
            events.iter().map(|e| (e.event_type, e.severity)).collect();
        assert_eq!(
            kinds,
            [
                (EventType::ToolCreated, Severity::Info),
                // A first list adds its subprocessors; none outside the EEA.
                (EventType::SubprocessorsChanged, Severity::Warning),
                // A first verdict with conditions adds conditions.
                (EventType::VerdictPublished, Severity::Warning),
                // Better level, same conditions, no risk rose.
                (EventType::VerdictPublished, Severity::Info),
                (EventType::VerdictWithdrawn, Severity::Critical),
            ],
            "{backend}"
        );
        assert_eq!(events[3].subject, format!("tools/{t}"));
        assert_eq!(events[3].data["slug"], "google-workspace");
        assert_eq!(events[3].data["level_before"], "not_recommended");
        assert_eq!(events[3].data["level_after"], "approved_with_conditions");
        assert_eq!(
            events[3].data["diff"]["level"]["to"],
            "approved_with_conditions"
        );
        assert_eq!(events[4].data["level_before"], "approved_with_conditions");
        assert_eq!(events[4].data["level_after"], serde_json::Value::Null);
        assert!(events.windows(2).all(|w| w[0].sequence < w[1].sequence));
    });
}

#[test]
fn the_database_refuses_to_change_a_published_verdict() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Vendor");
        let t = tool(conn, "tool-a", v);
        let a = drafted_dpia(conn, t);
        let v1 = ops::assessment::publish(conn, &ctx_by("y", 3), a.into(), Uuid::now_v7(), None)
            .expect("publish");

        // Go around the store: plain SQL, as someone with database access would.
        let update = conn.batch_execute("UPDATE verdict_versions SET level = 'not_recommended'");
        let err = update.expect_err("UPDATE must fail").to_string();
        assert!(err.contains("immutable"), "{backend}: {err}");
        let delete = conn.batch_execute("DELETE FROM verdict_versions");
        assert!(
            delete
                .expect_err("DELETE must fail")
                .to_string()
                .contains("immutable"),
            "{backend}"
        );
        if backend == "postgres" {
            let truncate = conn.batch_execute("TRUNCATE verdict_versions CASCADE");
            assert!(truncate.is_err(), "TRUNCATE must fail too");
        }
        assert_eq!(
            verdict_version::get(conn, a, 1).ok(),
            Some(v1),
            "{backend}: unchanged"
        );
    });
}

#[test]
fn submissions_documents_and_visibility() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Book Creator Ltd");
        let other = vendor(conn, "Someone else");
        let t = tool(conn, "book-creator", v);
        let list = |entries| SubmissionInput {
            tool_id: Some(t),
            content: SubmissionContent::SubprocessorList {
                list: revision(entries),
            },
            comment: "Ny liste etter bytte av e-postleverandør.".into(),
        };
        let first = list(vec![entry("gcp", None, "IE", TransferMechanism::Eea)]);
        let s = ops::submission::create(conn, &ctx_by("vendor", 2), Uuid::now_v7(), v, &first)
            .expect("submission");
        let foreign = ops::submission::create(conn, &ctx(2), Uuid::now_v7(), other, &first);
        assert!(
            matches!(foreign, Err(StoreError::Conflict(_))),
            "{backend}: only own tools"
        );
        // The reviewer asks for changes; the vendor revises; accepted.
        let s = ops::submission::triage(
            conn,
            &ctx_by("rev", 3),
            s.id,
            SubmissionStatus::ChangesRequested,
            "Mangler land for Sentry",
        )
        .expect("triage");
        assert_eq!(
            (s.status, s.comments.len()),
            (SubmissionStatus::ChangesRequested, 2),
            "{backend}"
        );
        let accepted_early =
            ops::submission::triage(conn, &ctx(3), s.id, SubmissionStatus::Accepted, "");
        assert!(
            matches!(accepted_early, Err(StoreError::Conflict(_))),
            "{backend}"
        );
        let revised = list(vec![
            entry("gcp", None, "IE", TransferMechanism::Eea),
            entry("sentry", None, "US", TransferMechanism::Unknown),
        ]);
        let s =
            ops::submission::revise(conn, &ctx_by("vendor", 4), s.id, &revised).expect("revise");
        let review = ops::submission::review(conn, &s)
            .expect("review")
            .expect("a list");
        assert_eq!(review.new_third_countries, ["US"], "{backend}");
        assert_eq!(review.unknown_transfer_mechanisms, ["sentry"]);
        let s = ops::submission::triage(
            conn,
            &ctx_by("rev", 5),
            s.id,
            SubmissionStatus::Accepted,
            "Godtatt",
        )
        .expect("accept");
        assert_eq!(s.status, SubmissionStatus::Accepted);
        let current = subprocessor_revision::latest(conn, t)
            .expect("latest")
            .expect("a revision");
        assert_eq!(
            current.entries.len(),
            2,
            "{backend}: the list is the tool's now"
        );
        let closed = ops::submission::add_comment(conn, &ctx(6), s.id, Party::Vendor, "Takk");
        assert!(matches!(closed, Err(StoreError::Conflict(_))), "{backend}");
        assert_eq!(
            submission::list(conn, Some(other), None, &PageRequest::first(10))
                .map(|l| l.items.len())
                .ok(),
            Some(0)
        );

        let doc = |conn: &mut DbConnection, title: &str, visibility, expires| {
            let input = DocumentInput {
                kind: DocumentKind::Certificate,
                title: title.into(),
                tool_id: Some(t),
                visibility,
                scope: None,
                expires_at: expires,
            };
            let file = DocumentFile {
                filename: format!("{title}.pdf"),
                media_type: "application/pdf".into(),
                size_bytes: 1024,
                sha256: "a".repeat(64),
            };
            ops::document::create(conn, &ctx(2), Uuid::now_v7(), v, &input, &file, None)
                .expect("doc")
        };
        doc(conn, "Personvernerklæring", Visibility::Public, None);
        doc(conn, "ISO 27001", Visibility::Municipalities, Some(at(20)));
        doc(conn, "Pentest", Visibility::Reviewers, None);
        // The same bytes, three documents: one blob.
        assert_eq!(blob::count(conn).ok(), Some(1), "{backend}");
        // Another vendor's tool is refused.
        let foreign = ops::document::create(
            conn,
            &ctx(2),
            Uuid::now_v7(),
            other,
            &DocumentInput {
                kind: DocumentKind::Other,
                title: "x".into(),
                tool_id: Some(t),
                visibility: Visibility::Public,
                scope: None,
                expires_at: None,
            },
            &DocumentFile {
                filename: "x.txt".into(),
                media_type: "text/plain".into(),
                size_bytes: 1,
                sha256: "b".repeat(64),
            },
            None,
        );
        assert!(matches!(foreign, Err(StoreError::Conflict(_))), "{backend}");
        assert_eq!(
            blob::count(conn).ok(),
            Some(1),
            "{backend}: nothing of it kept"
        );
        let titles = |conn: &mut DbConnection, widest| {
            document::list_for_owner(conn, v, widest)
                .expect("list")
                .into_iter()
                .map(|d| d.input.title)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            titles(conn, Visibility::Public),
            ["Personvernerklæring"],
            "{backend}"
        );
        assert_eq!(titles(conn, Visibility::Municipalities).len(), 2);
        assert_eq!(titles(conn, Visibility::Reviewers).len(), 3);
        let expiring = document::expiring_between(conn, at(10), at(25)).expect("expiring");
        assert_eq!(
            expiring
                .iter()
                .map(|d| d.input.title.as_str())
                .collect::<Vec<_>>(),
            ["ISO 27001"]
        );
    });
}

#[test]
fn audit_chain_verifies_and_names_a_hand_edited_row() {
    each_backend(|conn, backend| {
        let actor = Actor {
            sub: "reviewer-1".into(),
            org: Some("971032146".into()),
            request_id: Some("req-1".into()),
        };
        for i in 0..5 {
            audit::append(
                conn,
                &actor,
                "tool.update",
                &format!("tools/{i}"),
                &serde_json::json!({"i": i}),
                at(1),
            )
            .expect("append");
        }
        assert_eq!(
            audit::first_broken(conn).ok(),
            Some(None),
            "{backend}: intact"
        );
        assert_eq!(
            audit::list(conn, Some("tools/3"), 0, 10)
                .map(|l| l[0].sequence)
                .ok(),
            Some(4)
        );
        let edit = "UPDATE audit_entries SET actor_sub = 'someone-else' WHERE sequence = 3";
        assert!(
            conn.batch_execute(edit).is_err(),
            "{backend}: the trail is append-only"
        );
        let unguard = match conn.backend() {
            toolreg_store::Backend::Sqlite => "DROP TRIGGER audit_entries_refuse_update",
            toolreg_store::Backend::Postgres => {
                "DROP TRIGGER audit_entries_refuse_change ON audit_entries"
            }
        };
        conn.batch_execute(unguard).expect("drop the guard");
        conn.batch_execute(edit).expect("hand edit");
        assert_eq!(
            audit::first_broken(conn).ok(),
            Some(Some(3)),
            "{backend}: names the edited entry"
        );
    });
}

/// REPLACE cannot rewrite a published version on SQLite; one who removes
/// every guard is still found out: a forged version is never served, and
/// `integrity::verify_verdicts` names it.
#[test]
fn forged_verdict_versions_are_refused_and_named() {
    use toolreg_core::change::Target;
    each_backend(|conn, backend| {
        let v = vendor(conn, "Vendor");
        let t = tool(conn, "forge-tool", v);
        let a = drafted_dpia(conn, t);
        // Publishing records the publication entry (the version is its state).
        let v1 = ops::assessment::publish(conn, &ctx_by("y", 3), a.into(), Uuid::now_v7(), None)
            .expect("publish");
        assert_eq!(
            ops::integrity::verify_verdicts(conn).ok(),
            Some(vec![]),
            "{backend}: intact"
        );

        if backend == "sqlite" {
            for replace in ["INSERT OR REPLACE", "REPLACE"] {
                let forged = conn.batch_execute(&format!(
                    "{replace} INTO verdict_versions SELECT id, assessment_id, version, level, summary,
                     replace(content, '\"summary\":\"', '\"summary\":\"Forfalsket '), change_note, review_due,
                     published_at, published_by, content_sha256 FROM verdict_versions"
                ));
                assert!(forged.is_err(), "{replace} must fail");
            }
            assert_eq!(verdict_version::get(conn, a, 1).ok(), Some(v1.clone()));
        }

        // Someone with full access removes the guard and edits the content.
        let unguard = match backend {
            "sqlite" => "DROP TRIGGER verdict_versions_refuse_update",
            _ => "DROP TRIGGER verdict_versions_refuse_change ON verdict_versions",
        };
        conn.batch_execute(unguard).expect("drop guard");
        conn.batch_execute("UPDATE verdict_versions SET change_note = 'Skrevet om i etterkant'")
            .expect("edit outside the content");
        let problems = ops::integrity::verify_verdicts(conn).expect("verify");
        assert_eq!(problems.len(), 1, "{backend}: {problems:?}");
        let target = Target::VerdictVersion {
            assessment: a.into(),
            version: 1,
        };
        assert_eq!(problems[0].target, target.path());
        assert!(problems[0].problem.contains("ikke det som ble publisert"));

        conn.batch_execute(
            "UPDATE verdict_versions SET content = replace(content, '\"summary\":\"', '\"summary\":\"Forfalsket ')",
        )
        .expect("edit the content");
        assert!(
            matches!(
                verdict_version::get(conn, a, 1),
                Err(StoreError::Tampered { .. })
            ),
            "{backend}: a forged version is never served"
        );
        let problems = ops::integrity::verify_verdicts(conn).expect("verify");
        assert!(
            problems[0].problem.contains("content_sha256"),
            "{backend}: {problems:?}"
        );
    });
}

#[test]
fn requirement_answers_replace_their_version_and_check_evidence() {
    use toolreg_core::requirement::{catalogue, Answer, AnswerInput, AnswersInput};
    each_backend(|conn, backend| {
        let v = vendor(conn, "Kahoot! AS");
        let other = vendor(conn, "NRK");
        let t = tool(conn, "kahoot", v);
        let c = catalogue(Some(1)).expect("catalogue v1");
        let answer = |id: &str, answer, evidence| AnswerInput {
            requirement_id: id.into(),
            answer,
            comment: String::new(),
            evidence_document_id: evidence,
        };
        let first = AnswersInput {
            catalogue_version: 1,
            answers: vec![
                answer("TS-01", Answer::Yes, None),
                answer("TS-27", Answer::No, None),
            ],
        };
        let set = ops::requirements::answer(conn, &ctx(3), t.into(), &first, c).expect("answer");
        assert_eq!(set.answers.len(), 2, "{backend}");
        assert_eq!(set.unanswered.len(), c.requirements.len() - 2);
        // The whole set each time: TS-27 left out is unanswered again.
        let second = AnswersInput {
            catalogue_version: 1,
            answers: vec![answer("TS-01", Answer::Partly, None)],
        };
        let set = ops::requirements::answer(conn, &ctx(4), t.into(), &second, c).expect("answer");
        assert_eq!(
            set.answers
                .iter()
                .map(|a| (a.input.requirement_id.as_str(), a.input.answer))
                .collect::<Vec<_>>(),
            [("TS-01", Answer::Partly)],
            "{backend}"
        );
        // Evidence must be the vendor's own document.
        let foreign_doc = ops::document::create(
            conn,
            &ctx(4),
            Uuid::now_v7(),
            other,
            &DocumentInput {
                kind: DocumentKind::Certificate,
                title: "NRKs sertifikat".into(),
                tool_id: None,
                visibility: Visibility::Reviewers,
                scope: None,
                expires_at: None,
            },
            &DocumentFile {
                filename: "c.pdf".into(),
                media_type: "application/pdf".into(),
                size_bytes: 1,
                sha256: "c".repeat(64),
            },
            None,
        )
        .expect("doc");
        let borrowed = AnswersInput {
            catalogue_version: 1,
            answers: vec![answer("TS-21", Answer::Yes, Some(foreign_doc.id))],
        };
        let refused = ops::requirements::answer(conn, &ctx(5), t.into(), &borrowed, c);
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{backend}");
        let kept = ops::requirements::answers_of(conn, t.into(), c).expect("read");
        assert_eq!(
            kept.answers.len(),
            1,
            "{backend}: the refused set changed nothing"
        );
    });
}

#[test]
fn expiring_documents_are_announced_once_per_stage_and_tool() {
    use toolreg_core::event::EventType;
    each_backend(|conn, backend| {
        let v = vendor(conn, "Kahoot! AS");
        let kahoot = tool(conn, "kahoot", v);
        tool(conn, "kahoot-kids", v);
        let doc =
            |conn: &mut DbConnection, title: &str, tool_id, visibility, expires, sha: char| {
                ops::document::create(
                    conn,
                    &ctx(1),
                    Uuid::now_v7(),
                    v,
                    &DocumentInput {
                        kind: DocumentKind::Certificate,
                        title: title.into(),
                        tool_id,
                        visibility,
                        scope: None,
                        expires_at: Some(expires),
                    },
                    &DocumentFile {
                        filename: "c.pdf".into(),
                        media_type: "application/pdf".into(),
                        size_bytes: 1,
                        sha256: sha.to_string().repeat(64),
                    },
                    None,
                )
                .expect("doc")
            };
        // Day 5: one about Kahoot! expiring on day 15 (restricted), one
        // about the vendor as a whole expired on day 4 (public), one far
        // off.
        doc(
            conn,
            "Pentest-attest",
            Some(kahoot),
            Visibility::Reviewers,
            at(15),
            'a',
        );
        doc(conn, "ISO 27001", None, Visibility::Public, at(4), 'b');
        doc(
            conn,
            "SOC 2",
            Some(kahoot),
            Visibility::Public,
            at(4) + chrono::Duration::days(300),
            'c',
        );
        let from = event::last_sequence(conn).expect("last");
        let given = ops::document::announce_expiring(conn, &ctx(5), at(5)).expect("announce");
        assert_eq!(given, 2, "{backend}");
        let events = event::list_after(conn, from, 100, EventReader::Everything).expect("events");
        let summary: Vec<(String, String, Option<String>)> = events
            .iter()
            .map(|e| {
                assert_eq!(e.event_type, EventType::DocumentExpiring);
                (
                    e.data["slug"].as_str().unwrap_or_default().to_string(),
                    e.data["stage"].as_str().unwrap_or_default().to_string(),
                    e.data["title"].as_str().map(str::to_string),
                )
            })
            .collect();
        let mut summary = summary;
        summary.sort();
        assert_eq!(
            summary,
            [
                ("kahoot".into(), "expired".into(), Some("ISO 27001".into())),
                ("kahoot".into(), "soon".into(), None),
                (
                    "kahoot-kids".into(),
                    "expired".into(),
                    Some("ISO 27001".into())
                ),
            ],
            "{backend}: the restricted title stays out of the public log"
        );
        assert_eq!(
            ops::document::announce_expiring(conn, &ctx(5), at(6)).expect("again"),
            0,
            "{backend}: once"
        );
        // On day 16 the pentest attestation has expired too.
        let from = event::last_sequence(conn).expect("last");
        assert_eq!(
            ops::document::announce_expiring(conn, &ctx(16), at(16)).expect("later"),
            1,
            "{backend}"
        );
        let later = event::list_after(conn, from, 100, EventReader::Everything).expect("events");
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].severity, toolreg_core::event::Severity::Critical);
    });
}

#[test]
fn accepted_product_facts_update_the_tool_and_rejected_ones_do_not() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Book Creator Ltd");
        let t = tool(conn, "book-creator", v);
        let mut facts = tool_input("book-creator", "Book Creator", v);
        facts.summary = "Lag digitale bøker med tekst, lyd og bilder.".into();
        let input = SubmissionInput {
            tool_id: Some(t),
            content: SubmissionContent::ProductFacts {
                tool: facts.clone(),
            },
            comment: String::new(),
        };
        let rejected =
            ops::submission::create(conn, &ctx_by("vendor", 2), Uuid::now_v7(), v, &input)
                .expect("submission");
        ops::submission::triage(
            conn,
            &ctx_by("rev", 3),
            rejected.id,
            SubmissionStatus::Rejected,
            "Feil",
        )
        .expect("reject");
        assert_eq!(
            tool::get(conn, t).expect("tool").input.summary,
            "",
            "{backend}"
        );
        let accepted =
            ops::submission::create(conn, &ctx_by("vendor", 4), Uuid::now_v7(), v, &input)
                .expect("submission");
        let s = ops::submission::triage(
            conn,
            &ctx_by("rev", 5),
            accepted.id,
            SubmissionStatus::Accepted,
            "",
        )
        .expect("accept");
        assert_eq!(s.tool_id, Some(t));
        let now = tool::get(conn, t).expect("tool");
        assert_eq!(now.input.summary, facts.summary, "{backend}");
        assert_eq!(now.input.name, "Book Creator");
    });
}
