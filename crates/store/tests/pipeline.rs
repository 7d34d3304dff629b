//! The change pipeline: every writer records exactly its audit entry, its
//! events and its derived facets, and moves the store generation, in one
//! transaction. Runs on SQLite, and on PostgreSQL when
//! TOOLREG_TEST_POSTGRES_URL is set.

use toolreg_core::assessment::{AssessmentInput, AssessmentKind};
use toolreg_core::change::Target;
use toolreg_core::event::{EventReader, EventType, Severity};
use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
use toolreg_core::subprocessor::{
    SubprocessorEntry, SubprocessorRevisionInput, SubprocessorRole, TransferMechanism,
};
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::tables::tool_facet::DerivedFacets;
use toolreg_store::tables::{audit, event, generation, tool_facet};
use toolreg_store::test_fixtures::*;
use toolreg_store::test_support::TestDb;
use toolreg_store::{ops, DbConnection, StoreError};
use uuid::Uuid;

/// What one change left behind, read back from the database.
#[derive(Debug)]
struct Recorded {
    /// (action, target) of each new audit entry.
    audit: Vec<(String, String)>,
    /// (type, severity, subject) of each new event.
    events: Vec<(EventType, Severity, String)>,
    generation_moved_by: i64,
}

/// Run `change` and collect what it recorded.
fn recorded<T>(
    conn: &mut DbConnection,
    change: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> (T, Recorded) {
    let audit_before = audit::head(conn).expect("head").map_or(0, |e| e.sequence);
    let events_before = event::last_sequence(conn).expect("events");
    let generation_before = generation::current(conn).expect("generation");
    let value = change(conn).expect("change");
    let audit = audit::list(conn, None, audit_before, 100)
        .expect("audit")
        .into_iter()
        .map(|e| (e.action, e.target))
        .collect();
    let events = event::list_after(conn, events_before, 100, EventReader::Everything)
        .expect("events")
        .into_iter()
        .map(|e| (e.event_type, e.severity, e.subject))
        .collect();
    let generation_moved_by = generation::current(conn).expect("generation") - generation_before;
    (
        value,
        Recorded {
            audit,
            events,
            generation_moved_by,
        },
    )
}

fn us_list() -> SubprocessorRevisionInput {
    SubprocessorRevisionInput {
        note: "Liste fra leverandøren".into(),
        source_url: None,
        entries: vec![SubprocessorEntry {
            id: "aws".into(),
            parent: None,
            name: "Amazon Web Services, Inc.".into(),
            legal_id: None,
            country: "US".into(),
            role: SubprocessorRole::SubProcessor,
            purpose: "Drift".into(),
            data_categories: vec![],
            processing_countries: vec![],
            transfer_mechanism: TransferMechanism::Dpf,
        }],
    }
}

#[test]
fn every_writer_records_its_audit_entry_events_facets_and_generation() {
    for db in TestDb::all() {
        let pool = db.pool();
        let conn = &mut pool.get().expect("connection");
        let backend = db.name();
        let org_input = OrganisationInput {
            kind: OrganisationKind::Vendor,
            name: "Kahoot! AS".into(),
            org_number: None,
            municipality_number: None,
            country: Some("NO".into()),
            website: None,
        };

        // Organisations: audited, not announced.
        let org = Uuid::now_v7();
        let (_, r) = recorded(conn, |c| {
            ops::organisation::create(c, &ctx(1), org.into(), &org_input)
        });
        let org_path = Target::Organisation(org.into()).path();
        assert_eq!(
            r.audit,
            [("organisation.create".into(), org_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert!(r.events.is_empty(), "{backend}");
        let (_, r) = recorded(conn, |c| {
            ops::organisation::update(c, &ctx(2), org.into(), &org_input, Some(1))
        });
        assert_eq!(
            r.audit,
            [("organisation.update".into(), org_path)],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");

        // Tools: audited and announced under the same path.
        let tool = Uuid::now_v7();
        let tool_path = Target::Tool(tool.into()).path();
        let mut input = tool_input("kahoot", "Kahoot!", org);
        let (_, r) = recorded(conn, |c| {
            ops::tool::create(c, &ctx(2), tool.into(), &input, "reviewer")
        });
        assert_eq!(
            r.audit,
            [("tool.create".into(), tool_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert_eq!(
            r.events,
            [(EventType::ToolCreated, Severity::Info, tool_path.clone())],
            "{backend}"
        );
        input.summary = "Quiz".into();
        let (_, r) = recorded(conn, |c| {
            ops::tool::update(c, &ctx(3), tool.into(), &input, Some(1), "vendor")
        });
        assert_eq!(
            r.audit,
            [("tool.update".into(), tool_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert_eq!(
            r.events,
            [(EventType::ToolUpdated, Severity::Info, tool_path.clone())],
            "{backend}"
        );
        let updated = event::list_after(conn, 0, 100, EventReader::Everything).expect("events");
        let last = updated.last().expect("an event");
        assert_eq!(last.data["changed_fields"], serde_json::json!(["summary"]));

        // A subprocessor list that sends data to the US: critical, and the
        // third-country facet follows in the same transaction.
        let (recorded_revision, r) = recorded(conn, |c| {
            ops::subprocessors::append(c, &ctx(4), Uuid::now_v7(), tool.into(), &us_list())
        });
        let revision_path = Target::SubprocessorRevision {
            tool: tool.into(),
            revision: 1,
        }
        .path();
        assert_eq!(
            r.audit,
            [("subprocessors.revise".into(), revision_path)],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert_eq!(
            r.events,
            [(
                EventType::SubprocessorsChanged,
                Severity::Critical,
                tool_path.clone()
            )],
            "{backend}"
        );
        assert_eq!(recorded_revision.diff.third_countries_added, ["US"]);
        assert_eq!(
            tool_facet::derived_of(conn, tool).ok(),
            Some(DerivedFacets {
                verdict_level: None,
                third_country: Some(true),
            }),
            "{backend}"
        );

        // Assessment, draft: audited, never announced (drafts are not public).
        let reviewer_org = reviewer(conn);
        let assessment = Uuid::now_v7();
        let assessment_path = Target::Assessment(assessment.into()).path();
        let a_input = AssessmentInput {
            kind: AssessmentKind::Dpia,
            title: "DPIA".into(),
            tool_ids: vec![tool],
            reviewer_org_id: reviewer_org,
        };
        let (_, r) = recorded(conn, |c| {
            ops::assessment::create(c, &ctx(5), assessment.into(), &a_input)
        });
        assert_eq!(
            r.audit,
            [("assessment.create".into(), assessment_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert!(r.events.is_empty(), "{backend}");
        let (_, r) = recorded(conn, |c| {
            ops::assessment::replace_draft(
                c,
                &ctx_by("drafter", 5),
                assessment.into(),
                &draft(VerdictLevel::Approved, "v1"),
                None,
            )
        });
        assert_eq!(
            r.audit,
            [("assessment.draft".into(), assessment_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert!(r.events.is_empty(), "{backend}: drafts are never announced");

        // Publish: the version is the audit target, the tool the subject.
        let (_, r) = recorded(conn, |c| {
            ops::assessment::publish(
                c,
                &ctx_by("publisher", 6),
                assessment.into(),
                Uuid::now_v7(),
                None,
            )
        });
        let version_path = Target::VerdictVersion {
            assessment: assessment.into(),
            version: 1,
        }
        .path();
        assert_eq!(
            r.audit,
            [("assessment.publish".into(), version_path)],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert_eq!(
            r.events,
            [(
                EventType::VerdictPublished,
                Severity::Warning,
                tool_path.clone()
            )],
            "{backend}: a first verdict with conditions"
        );
        assert_eq!(
            tool_facet::derived_of(conn, tool)
                .map(|d| d.verdict_level)
                .ok(),
            Some(Some("approved".to_string())),
            "{backend}"
        );

        // Withdraw: critical; the verdict facet goes in the same step.
        let (_, r) = recorded(conn, |c| {
            ops::assessment::withdraw(c, &ctx_by("publisher", 7), assessment.into(), "Erstattet")
        });
        assert_eq!(
            r.audit,
            [("assessment.withdraw".into(), assessment_path.clone())],
            "{backend}"
        );
        assert_eq!(r.generation_moved_by, 1, "{backend}: one generation step");
        assert_eq!(
            r.events,
            [(
                EventType::VerdictWithdrawn,
                Severity::Critical,
                tool_path.clone()
            )],
            "{backend}"
        );
        assert_eq!(
            tool_facet::derived_of(conn, tool)
                .map(|d| d.verdict_level)
                .ok(),
            Some(None),
            "{backend}"
        );

        // One addressing scheme: the assessment's path finds its creation,
        // draft, publication and withdrawal; the tool's path its own.
        let under_assessment: Vec<String> = audit::list(conn, Some(&assessment_path), 0, 100)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            under_assessment,
            [
                "assessment.create",
                "assessment.draft",
                "assessment.publish",
                "assessment.withdraw"
            ],
            "{backend}"
        );
        let under_tool = audit::list(conn, Some(&tool_path), 0, 100).expect("audit");
        assert_eq!(under_tool.len(), 3, "{backend}: create, update, revision");
        let tool_events = event::list_after(conn, 0, 100, EventReader::Everything)
            .expect("events")
            .into_iter()
            .filter(|e| e.subject == tool_path)
            .count();
        assert_eq!(tool_events, 5, "{backend}");

        // A change that fails records nothing.
        let (events_before, audit_before) = (
            event::last_sequence(conn).expect("events"),
            audit::head(conn).expect("head").map(|e| e.sequence),
        );
        let stale = ops::tool::update(conn, &ctx(8), tool.into(), &input, Some(1), "vendor");
        assert!(matches!(stale, Err(StoreError::Stale)), "{backend}");
        assert_eq!(event::last_sequence(conn).ok(), Some(events_before));
        assert_eq!(
            audit::head(conn).ok().flatten().map(|e| e.sequence),
            audit_before
        );
        assert_eq!(audit::first_broken(conn).ok(), Some(None), "{backend}");
    }
}
