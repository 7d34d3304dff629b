//! A municipality's own part in the store, on SQLite and (with
//! TOOLREG_TEST_POSTGRES_URL) PostgreSQL: entries, acceptance, and what
//! publishing and withdrawing do to accepted entries in their own
//! transaction — marked, announced privately, delivered to the
//! municipality's "tools in my inventory" subscription and no one else's.

use toolreg_core::event::{EventReader, EventType, Severity};
use toolreg_core::inventory::{
    AcceptanceInput, ConditionFollowUp, ConditionStatus, EntryState, InventoryInput, InventoryTool,
    LocalPart, ProcessingAgreement, UsageStatus,
};
use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
use toolreg_core::subscription::{Channel, SubscriberRole, SubscriptionInput, SubscriptionScope};
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::ops;
use toolreg_store::ops::fanout;
use toolreg_store::tables::subscription::Subscriber;
use toolreg_store::tables::{delivery, event, inventory};
use toolreg_store::test_fixtures::*;
use toolreg_store::test_support::TestDb;
use toolreg_store::{ConflictKind, DbConnection, PageRequest, StoreError};
use uuid::Uuid;

fn each_backend(test: impl Fn(&mut DbConnection, &str)) {
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        test(&mut conn, db.name());
    }
}

fn municipality(conn: &mut DbConnection, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    let input = OrganisationInput {
        kind: OrganisationKind::Municipality,
        name: name.into(),
        org_number: None,
        // Any real number will do; they need not differ.
        municipality_number: Some("5001".into()),
        country: Some("NO".into()),
        website: None,
    };
    ops::organisation::create(conn, &ctx(1), id.into(), &input).expect("municipality");
    id
}

fn uses(tool_id: Uuid) -> InventoryInput {
    InventoryInput {
        tool: InventoryTool::Registry { tool_id },
        all_schools: true,
        schools: vec![],
        grades: vec![5, 6, 7],
        subjects: vec![],
        purpose: "Quiz i timene".into(),
        legal_basis: toolreg_core::data_flow::LegalBasis::PublicTask,
        supplementary_basis: toolreg_core::inventory::DEFAULT_SUPPLEMENTARY_BASIS.into(),
        data_categories: vec!["navn".into()],
        data_subjects: vec![],
        agreement: ProcessingAgreement::None {},
        owner: "Rektor".into(),
        status: UsageStatus::InUse,
        status_since: None,
        ends_on: None,
    }
}

fn subscribe(conn: &mut DbConnection, subscriber: Subscriber, scope: SubscriptionScope) -> Uuid {
    let input = SubscriptionInput {
        scope,
        event_types: vec![],
        min_severity: Severity::Info,
        channel: Channel::Webhook {
            url: "https://kommune.example/hook".into(),
        },
    };
    ops::subscription::create(
        conn,
        &ctx(2),
        Uuid::now_v7(),
        subscriber,
        &input,
        Some("whsec_c2VjcmV0"),
    )
    .expect("subscription")
    .id
}

fn delivered_types(conn: &mut DbConnection, subscription: Uuid) -> Vec<EventType> {
    let deliveries = delivery::list_for_subscription(conn, subscription, &PageRequest::first(100))
        .expect("deliveries")
        .items;
    let log = event::list_after(conn, 0, 1000, EventReader::Everything).expect("log");
    let mut types: Vec<EventType> = deliveries
        .iter()
        .filter_map(|d| d.event_id)
        .filter_map(|id| log.iter().find(|e| e.id == id).map(|e| e.event_type))
        .collect();
    types.sort();
    types
}

#[test]
fn a_new_version_marks_accepted_entries_in_its_own_transaction_and_tells_only_them() {
    each_backend(|conn, backend| {
        let vendor_id = vendor(conn, "Quiz AS");
        let t = tool(conn, "quiz", vendor_id);
        let assessment = drafted_dpia(conn, t);
        ops::assessment::publish(
            conn,
            &ctx_by("y", 3),
            assessment.into(),
            Uuid::now_v7(),
            None,
        )
        .expect("v1");
        let a = municipality(conn, "Kommune A");
        let b = municipality(conn, "Kommune B");
        let entry_a =
            ops::inventory::create(conn, &ctx(3), Uuid::now_v7(), a, &uses(t)).expect("A");
        let entry_b =
            ops::inventory::create(conn, &ctx(3), Uuid::now_v7(), b, &uses(t)).expect("B");
        let again = ops::inventory::create(conn, &ctx(3), Uuid::now_v7(), a, &uses(t));
        assert!(
            matches!(
                again,
                Err(StoreError::Conflict(ConflictKind::AlreadyInInventory))
            ),
            "{backend}: one entry per tool"
        );
        // B's entry is not A's to read.
        assert!(matches!(
            inventory::get(conn, a, entry_b.id),
            Err(StoreError::NotFound(_))
        ));

        // Accepting needs every condition followed up, and the version in force.
        let accept = AcceptanceInput {
            assessment_id: assessment,
            version: 1,
            accepted_by_name: "Kari Nordmann".into(),
            accepted_by_role: "kommunalsjef".into(),
            note: String::new(),
        };
        let early = ops::inventory::accept(conn, &ctx(3), a, entry_a.id, &accept, None);
        assert!(matches!(
            early,
            Err(StoreError::Conflict(ConflictKind::LocalPartIncomplete {
                missing: 1
            }))
        ));
        let local = LocalPart {
            conditions: vec![ConditionFollowUp {
                key: "setting:login.feide_only".into(),
                status: ConditionStatus::Done,
                note: String::new(),
                evidence: "Sak 1".into(),
            }],
            ..LocalPart::default()
        };
        ops::inventory::set_local_part(conn, &ctx(3), a, entry_a.id, &local, None)
            .expect("local part");
        let wrong_version = AcceptanceInput {
            version: 2,
            ..accept.clone()
        };
        assert!(matches!(
            ops::inventory::accept(conn, &ctx(3), a, entry_a.id, &wrong_version, None),
            Err(StoreError::Conflict(ConflictKind::NotInForce {
                in_force: Some((_, 1))
            }))
        ));
        let accepted =
            ops::inventory::accept(conn, &ctx(3), a, entry_a.id, &accept, None).expect("accept");
        let view = ops::inventory::view(conn, accepted).expect("view");
        assert_eq!(view.state.state, EntryState::Ready, "{backend}");
        assert_eq!(inventory::organisations_using(conn, t).expect("count"), 2);

        // Subscriptions: both municipalities to their inventory, a reviewer
        // to everything; the fan-out starts from here.
        let reviewer_org = reviewer_of(conn);
        let sub_a = subscribe(
            conn,
            Subscriber::municipality(a),
            SubscriptionScope::Inventory {},
        );
        let sub_b = subscribe(
            conn,
            Subscriber::municipality(b),
            SubscriptionScope::Inventory {},
        );
        let sub_r = subscribe(
            conn,
            Subscriber {
                organisation_id: reviewer_org,
                role: SubscriberRole::Reviewer,
            },
            SubscriptionScope::All {},
        );
        fanout::step(conn, at(3), 1000).expect("start the consumer");
        let from = event::last_sequence(conn).expect("last");

        // Version 2 adds a condition.
        let mut next = draft(VerdictLevel::ApprovedWithConditions, "v2");
        next.content
            .conditions
            .push(toolreg_core::condition::Condition {
                text: "Slå av chat for elever".into(),
                audience: toolreg_core::condition::Audience::SchoolOwner,
                setting_key: None,
                mandatory: true,
            });
        ops::assessment::replace_draft(conn, &ctx_by("x", 4), assessment.into(), &next, None)
            .expect("draft v2");
        ops::assessment::publish(
            conn,
            &ctx_by("y", 4),
            assessment.into(),
            Uuid::now_v7(),
            None,
        )
        .expect("v2");

        let marked = inventory::get(conn, a, entry_a.id).expect("A");
        assert_eq!(
            marked.verdict_changed_at,
            Some(at(4)),
            "{backend}: marked with the publication"
        );
        assert_eq!(
            marked.version,
            accepted_version(conn, a, entry_a.id),
            "the municipality's version is untouched"
        );
        let unaccepted = inventory::get(conn, b, entry_b.id).expect("B");
        assert_eq!(
            unaccepted.verdict_changed_at, None,
            "nothing accepted, nothing overtaken"
        );
        let view = ops::inventory::view(conn, marked).expect("view");
        assert_eq!(view.state.state, EntryState::ChangedSinceAcceptance);
        let diff = view.changes.expect("diff since the acceptance");
        assert_eq!(diff.conditions_added.len(), 1);
        assert_eq!(diff.conditions_added[0].text, "Slå av chat for elever");

        // One private event, for A only.
        let new = event::list_after(conn, from, 100, EventReader::Everything).expect("events");
        let private: Vec<_> = new
            .iter()
            .filter(|e| e.event_type == EventType::InventoryVerdictChanged)
            .collect();
        assert_eq!(private.len(), 1, "{backend}");
        assert_eq!(private[0].private_to, Some(a));
        assert_eq!(
            private[0].subject,
            format!("organisations/{a}/inventory/{}", entry_a.id)
        );
        let mut seen = |reader| {
            event::list_after(conn, from, 100, reader)
                .expect("events")
                .iter()
                .filter(|e| e.event_type == EventType::InventoryVerdictChanged)
                .count()
        };
        assert_eq!(seen(EventReader::Organisation(a)), 1);
        assert_eq!(seen(EventReader::Organisation(b)), 0);
        assert_eq!(
            seen(EventReader::Reviewer(Some(reviewer_org))),
            0,
            "reviewers read no municipality's own part"
        );
        assert_eq!(seen(EventReader::Public), 0);

        // Delivered: A hears of the new verdict (its inventory holds the
        // tool) and of its overtaken acceptance; B of the verdict; the
        // reviewer of the verdict only.
        fanout::step(conn, at(4), 1000).expect("fan out");
        assert_eq!(
            delivered_types(conn, sub_a),
            [
                EventType::VerdictPublished,
                EventType::InventoryVerdictChanged
            ]
        );
        assert_eq!(delivered_types(conn, sub_b), [EventType::VerdictPublished]);
        assert_eq!(delivered_types(conn, sub_r), [EventType::VerdictPublished]);

        // Withdrawing marks it again, for the same reason.
        ops::assessment::withdraw(
            conn,
            &ctx_by("y", 5),
            assessment.into(),
            "Feil i vurderingen",
        )
        .expect("withdraw");
        let withdrawn = inventory::get(conn, a, entry_a.id).expect("A");
        assert_eq!(withdrawn.verdict_changed_at, Some(at(5)));
        let last =
            event::list_after(conn, from, 100, EventReader::Organisation(a)).expect("events");
        let reasons: Vec<&str> = last
            .iter()
            .filter(|e| e.event_type == EventType::InventoryVerdictChanged)
            .filter_map(|e| e.data["reason"].as_str())
            .collect();
        assert_eq!(reasons, ["published", "withdrawn"]);
    });
}

/// The version of an entry as stored.
fn accepted_version(conn: &mut DbConnection, org: Uuid, id: Uuid) -> i32 {
    inventory::get(conn, org, id).expect("entry").version
}

/// The reviewer organisation `drafted_dpia` made (KS's number).
fn reviewer_of(conn: &mut DbConnection) -> Uuid {
    toolreg_store::tables::organisation::find_by_org_number(conn, "971032146")
        .expect("lookup")
        .map(|o| o.id)
        .expect("the fixture's reviewer")
}

#[test]
fn the_inventory_scope_follows_what_is_in_use_and_counts_need_five() {
    each_backend(|conn, backend| {
        let vendor_id = vendor(conn, "Lese AS");
        let t = tool(conn, "lese", vendor_id);
        let mut stopped = uses(t);
        stopped.status = UsageStatus::Stopped;
        let orgs: Vec<Uuid> = (0..5)
            .map(|i| municipality(conn, &format!("Kommune {i}")))
            .collect();
        for (i, org) in orgs.iter().enumerate() {
            let input = if i == 0 { stopped.clone() } else { uses(t) };
            ops::inventory::create(conn, &ctx(3), Uuid::now_v7(), *org, &input).expect("entry");
        }
        assert_eq!(
            inventory::organisations_using(conn, t).expect("count"),
            4,
            "{backend}: stopped is not in use"
        );
        assert_eq!(
            inventory::tools_in_use(conn, orgs[0]).expect("tools"),
            Vec::<Uuid>::new()
        );
        assert_eq!(inventory::tools_in_use(conn, orgs[1]).expect("tools"), [t]);
        let view = |conn: &mut DbConnection| {
            toolreg_store::read_model::by_key(conn, &t.to_string())
                .expect("view")
                .municipalities_using
        };
        assert_eq!(view(conn), None, "four could point at someone");
        let fifth = municipality(conn, "Kommune 5");
        ops::inventory::create(conn, &ctx(3), Uuid::now_v7(), fifth, &uses(t)).expect("fifth");
        assert_eq!(view(conn), Some(5));
    });
}
