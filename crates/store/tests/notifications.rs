//! Subscriptions, the fan-out from the event log and the delivery queue,
//! on SQLite and (with TOOLREG_TEST_POSTGRES_URL) PostgreSQL.

use chrono::Duration;
use toolreg_core::delivery::{AttemptOutcome, DeliveryStatus};
use toolreg_core::event::{EventReader, EventType, Severity};
use toolreg_core::submission::{Party, SubmissionContent, SubmissionInput, SubmissionStatus};
use toolreg_core::subscription::{
    Channel, Digest, SubscriberRole, SubscriptionInput, SubscriptionScope, SubscriptionStatus,
};
use toolreg_store::ops;
use toolreg_store::ops::fanout::{self, FanOut};
use toolreg_store::ops::subscription as subscriptions;
use toolreg_store::tables::subscription::Subscriber;
use toolreg_store::tables::{audit, delivery, event, subscription};
use toolreg_store::test_fixtures::*;
use toolreg_store::test_support::TestDb;
use toolreg_store::PageRequest;
use toolreg_store::{DbConnection, StoreError};
use uuid::Uuid;

fn each_backend(test: impl Fn(&mut DbConnection, &str)) {
    for db in TestDb::all() {
        let pool = db.pool();
        let mut conn = pool.get().expect("connection");
        test(&mut conn, db.name());
    }
}

fn webhook(scope: SubscriptionScope) -> SubscriptionInput {
    SubscriptionInput {
        scope,
        event_types: vec![],
        min_severity: Severity::Info,
        channel: Channel::Webhook {
            url: "https://kommune.example/hook".into(),
        },
    }
}

fn subscribe(conn: &mut DbConnection, org: Uuid, input: SubscriptionInput) -> Uuid {
    subscribe_as(conn, Subscriber::municipality(org), input)
}

fn in_role(organisation_id: Uuid, role: SubscriberRole) -> Subscriber {
    Subscriber {
        organisation_id,
        role,
    }
}

fn subscribe_as(conn: &mut DbConnection, subscriber: Subscriber, input: SubscriptionInput) -> Uuid {
    subscriptions::create(
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

fn counts(conn: &mut DbConnection) -> Vec<(DeliveryStatus, i64)> {
    let mut c = delivery::count_by_status(conn).expect("counts");
    c.sort();
    c
}

#[test]
fn fan_out_matches_scope_type_and_severity_and_moves_with_its_deliveries() {
    each_backend(|conn, backend| {
        let kommune = vendor(conn, "Oslo kommune");
        let other = vendor(conn, "Creaza AS");
        // Before the consumer first runs: history is not news.
        tool(conn, "before", kommune);
        let start = fanout::step(conn, at(2), 100).expect("step");
        assert_eq!(
            start,
            FanOut {
                events: 0,
                deliveries: 0,
                last_sequence: event::last_sequence(conn).expect("last"),
            },
            "{backend}: starts at the end of the log"
        );
        let a = tool(conn, "tool-a", kommune);
        let all = subscribe(conn, kommune, webhook(SubscriptionScope::All {}));
        let by_vendor = subscribe(
            conn,
            kommune,
            webhook(SubscriptionScope::Vendors { ids: vec![other] }),
        );
        let by_tool = subscribe(
            conn,
            kommune,
            webhook(SubscriptionScope::Tools { ids: vec![a] }),
        );
        let mut critical = webhook(SubscriptionScope::All {});
        critical.min_severity = Severity::Critical;
        subscribe(conn, kommune, critical);
        let paused = subscribe(conn, kommune, webhook(SubscriptionScope::All {}));
        subscriptions::set_status(
            conn,
            &ctx(2),
            paused,
            SubscriptionStatus::Paused,
            None,
            None,
        )
        .expect("pause");
        let deleted = subscribe(conn, kommune, webhook(SubscriptionScope::All {}));
        subscriptions::set_status(
            conn,
            &ctx(2),
            deleted,
            SubscriptionStatus::Deleted,
            None,
            None,
        )
        .expect("delete");
        tool(conn, "tool-b", other);

        let step = fanout::step(conn, at(3), 100).expect("step");
        assert_eq!(step.events, 2, "{backend}: two tools created");
        // all: 2, vendor: 1 (b), tool: 1 (a), critical: 0, paused: 2, deleted: 0
        assert_eq!(step.deliveries, 6, "{backend}");
        let again = fanout::step(conn, at(3), 100).expect("step");
        assert_eq!(
            (again.events, again.deliveries),
            (0, 0),
            "{backend}: moved past them"
        );
        for (sub, n) in [
            (all, 2),
            (by_vendor, 1),
            (by_tool, 1),
            (paused, 2),
            (deleted, 0),
        ] {
            assert_eq!(
                delivery::list_for_subscription(conn, sub, &PageRequest::first(10))
                    .expect("list")
                    .items
                    .len(),
                n,
                "{backend}: {sub}"
            );
        }

        // Only active subscriptions' deliveries are claimed.
        let lease = Duration::seconds(120);
        let claimed = delivery::claim_due(conn, at(3), lease, 100).expect("claim");
        assert_eq!(claimed.len(), 4, "{backend}: the paused one waits");
        assert!(claimed.iter().all(|d| d.status == DeliveryStatus::InFlight));
        assert!(
            delivery::claim_due(conn, at(3), lease, 100)
                .expect("claim")
                .is_empty(),
            "{backend}: leased"
        );

        let retry_at = at(3) + Duration::seconds(90);
        delivery::record(
            conn,
            &[
                (
                    claimed[0].clone(),
                    AttemptOutcome::Delivered { status_code: 204 },
                ),
                (
                    claimed[1].clone(),
                    AttemptOutcome::Retry {
                        status_code: Some(500),
                        error: "Internal Server Error".into(),
                        next_attempt_at: retry_at,
                    },
                ),
                (
                    claimed[2].clone(),
                    AttemptOutcome::Dead {
                        status_code: Some(500),
                        error: "gave up".into(),
                    },
                ),
            ],
            at(3),
        )
        .expect("record");
        let retried = delivery::get(conn, claimed[1].id).expect("get");
        assert_eq!(
            (
                retried.status,
                retried.attempts,
                retried.last_status_code,
                retried.first_attempt_at
            ),
            (DeliveryStatus::Pending, 1, Some(500), Some(at(3))),
            "{backend}"
        );
        // Not due before its time; then due; the fourth, whose worker died,
        // is claimed again once its lease has lapsed.
        assert!(
            delivery::claim_due(conn, retry_at - Duration::seconds(1), lease, 100)
                .expect("claim")
                .is_empty()
        );
        let lapsed = at(3) + lease + Duration::seconds(1);
        let later = delivery::claim_due(conn, lapsed, lease, 100).expect("claim");
        let mut ids: Vec<Uuid> = later.iter().map(|d| d.id).collect();
        ids.sort();
        let mut want = vec![claimed[1].id, claimed[3].id];
        want.sort();
        assert_eq!(ids, want, "{backend}: the retry and the lapsed lease");

        // Resuming releases what the paused subscription kept.
        subscriptions::set_status(
            conn,
            &ctx(4),
            paused,
            SubscriptionStatus::Active,
            None,
            None,
        )
        .expect("resume");
        let resumed = delivery::claim_due(conn, lapsed, lease, 100).expect("claim");
        assert_eq!(resumed.len(), 2, "{backend}");
        assert!(resumed.iter().all(|d| d.subscription_id == paused));

        // A dead delivery can be sent again, under the same id, its three
        // days anew; a test message has no event.
        let again = delivery::redeliver(conn, claimed[2].id, at(5)).expect("redeliver");
        assert_eq!(
            (again.status, again.first_attempt_at),
            (DeliveryStatus::Pending, None)
        );
        let test = delivery::enqueue_test(conn, all, at(5)).expect("test");
        assert_eq!(test.event_id, None);
        assert_eq!(
            counts(conn),
            [
                (DeliveryStatus::Pending, 2),
                (DeliveryStatus::InFlight, 4),
                (DeliveryStatus::Delivered, 1),
            ],
            "{backend}"
        );
    });
}

fn delivered(conn: &mut DbConnection, sub: Uuid) -> usize {
    delivery::list_for_subscription(conn, sub, &PageRequest::first(50))
        .expect("list")
        .items
        .len()
}

#[test]
fn private_events_reach_their_organisation_and_reviewers_only() {
    each_backend(|conn, backend| {
        let v = vendor(conn, "Book Creator Ltd");
        let other_vendor = vendor(conn, "Creaza AS");
        let kommune = vendor(conn, "Oslo kommune");
        let ks = reviewer(conn);
        let t = tool(conn, "book-creator", v);
        fanout::step(conn, at(2), 100).expect("start the consumer");
        let own = subscribe_as(
            conn,
            in_role(v, SubscriberRole::Vendor),
            webhook(SubscriptionScope::All {}),
        );
        let foreign = subscribe_as(
            conn,
            in_role(other_vendor, SubscriberRole::Vendor),
            webhook(SubscriptionScope::All {}),
        );
        let reviewing = subscribe_as(
            conn,
            in_role(ks, SubscriberRole::Reviewer),
            webhook(SubscriptionScope::All {}),
        );
        let reviewing_the_tool = subscribe_as(
            conn,
            in_role(ks, SubscriberRole::Reviewer),
            webhook(SubscriptionScope::Tools { ids: vec![t] }),
        );
        // A municipality following the very tool hears nothing of what
        // its vendor sends in.
        let municipality = subscribe(
            conn,
            kommune,
            webhook(SubscriptionScope::Tools { ids: vec![t] }),
        );
        let municipality_all = subscribe(conn, kommune, webhook(SubscriptionScope::All {}));

        let facts = SubmissionInput {
            tool_id: Some(t),
            content: SubmissionContent::ProductFacts {
                tool: tool_input("book-creator", "Book Creator", v),
            },
            comment: "Nye innloggingsmåter.".into(),
        };
        let s = ops::submission::create(conn, &ctx_by("vendor", 3), Uuid::now_v7(), v, &facts)
            .expect("submission");
        ops::submission::add_comment(conn, &ctx_by("rev", 3), s.id, Party::Reviewer, "Hvilke?")
            .expect("comment");
        ops::submission::triage(
            conn,
            &ctx_by("rev", 3),
            s.id,
            SubmissionStatus::ChangesRequested,
            "Skriv hvilke.",
        )
        .expect("triage");
        // A proposal is about no tool yet: only subscriptions to every tool.
        let proposal = SubmissionInput {
            tool_id: None,
            content: SubmissionContent::ToolProposal {
                tool: tool_input("book-creator-2", "Book Creator 2", v),
            },
            comment: String::new(),
        };
        ops::submission::create(conn, &ctx_by("vendor", 3), Uuid::now_v7(), v, &proposal)
            .expect("proposal");

        let log = event::list_after(conn, 0, 100, EventReader::Everything).expect("events");
        let private: Vec<_> = log.iter().filter(|e| e.private_to.is_some()).collect();
        assert_eq!(
            private.iter().map(|e| e.event_type).collect::<Vec<_>>(),
            [
                EventType::SubmissionSubmitted,
                EventType::SubmissionCommented,
                EventType::SubmissionStatusChanged,
                EventType::SubmissionSubmitted
            ],
            "{backend}"
        );
        assert!(private.iter().all(|e| e.private_to == Some(v)));
        assert_eq!(private[2].severity, Severity::Warning, "changes requested");
        assert_eq!(private[2].data["text"], "Skriv hvilke.");
        assert_eq!(private[2].tool_id(), Some(t));
        assert_eq!(private[3].tool_id(), None, "{backend}: a proposal");
        // The log as each reader sees it.
        let seen = |conn: &mut DbConnection, reader| {
            event::list_after(conn, 0, 100, reader)
                .expect("events")
                .iter()
                .filter(|e| e.private_to.is_some())
                .count()
        };
        assert_eq!(seen(conn, EventReader::Public), 0, "{backend}");
        assert_eq!(seen(conn, EventReader::Organisation(other_vendor)), 0);
        assert_eq!(seen(conn, EventReader::Organisation(v)), 4);
        let public_feed = event::list_recent(conn, None, Severity::Info, 100).expect("recent");
        assert!(
            public_feed.iter().all(|e| e.private_to.is_none()),
            "{backend}: feeds are public"
        );

        let step = fanout::step(conn, at(3), 100).expect("step");
        assert_eq!(step.events, 4, "{backend}");
        for (sub, n, who) in [
            (own, 4, "the vendor itself"),
            (reviewing, 4, "a reviewer of everything"),
            (
                reviewing_the_tool,
                3,
                "a reviewer of the tool: not the proposal",
            ),
            (foreign, 0, "another vendor"),
            (municipality, 0, "a municipality following the tool"),
            (municipality_all, 0, "a municipality following everything"),
        ] {
            assert_eq!(delivered(conn, sub), n, "{backend}: {who}");
        }
    });
}

#[test]
fn subscriptions_change_by_version_rotate_secrets_and_are_audited() {
    each_backend(|conn, backend| {
        let kommune = vendor(conn, "Bergen kommune");
        let email = SubscriptionInput {
            scope: SubscriptionScope::Categories {
                categories: vec!["quiz".into()],
            },
            event_types: vec![],
            min_severity: Severity::Warning,
            channel: Channel::Email {
                addresses: vec!["personvern@bergen.kommune.no".into()],
                digest: Digest::Daily,
            },
        };
        let id = Uuid::now_v7();
        let created = subscriptions::create(
            conn,
            &ctx(1),
            id,
            Subscriber::municipality(kommune),
            &email,
            None,
        )
        .expect("create");
        assert_eq!(
            (created.version, created.status),
            (1, SubscriptionStatus::Active)
        );
        assert_eq!(
            subscription::secrets(conn, id, at(1)).expect("secrets"),
            None,
            "{backend}: e-mail has no secret"
        );

        let hook = webhook(SubscriptionScope::All {});
        assert!(matches!(
            subscriptions::update(conn, &ctx(2), id, &hook, Some(7)),
            Err(StoreError::Stale)
        ));
        let updated = subscriptions::update(conn, &ctx(2), id, &hook, Some(1)).expect("update");
        assert_eq!((updated.version, &updated.input), (2, &hook), "{backend}");

        let w = subscribe(conn, kommune, webhook(SubscriptionScope::All {}));
        let rotated =
            subscriptions::rotate_secret(conn, &ctx(3), w, "whsec_bmV3", at(4)).expect("rotate");
        assert_eq!(rotated.previous_secret_expires_at, Some(at(4)));
        let during = subscription::secrets(conn, w, at(3))
            .expect("secrets")
            .expect("webhook");
        assert_eq!(
            (during.current.as_str(), during.previous.as_deref()),
            ("whsec_bmV3", Some("whsec_c2VjcmV0")),
            "{backend}: both sign during the grace period"
        );
        let after = subscription::secrets(conn, w, at(5))
            .expect("secrets")
            .expect("webhook");
        assert_eq!(after.previous, None, "{backend}: then the new one alone");

        subscriptions::set_status(
            conn,
            &ctx(5),
            id,
            SubscriptionStatus::Deleted,
            None,
            Some(2),
        )
        .expect("delete");
        assert!(matches!(
            subscription::get(conn, id),
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(
            subscription::list(conn, Some(kommune), &PageRequest::first(50))
                .expect("list")
                .items
                .len(),
            1,
            "{backend}"
        );

        let trail: Vec<String> = audit::list(conn, Some(&format!("subscriptions/{id}")), 0, 10)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            trail,
            [
                "subscription.create",
                "subscription.update",
                "subscription.delete"
            ],
            "{backend}"
        );
    });
}
