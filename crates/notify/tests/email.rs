//! E-mail through a real SMTP server (aiosmtpd), on SQLite and (with
//! TOOLREG_TEST_POSTGRES_URL) PostgreSQL: what a letter says and how it is
//! built (headers, Norwegian text, plain and HTML parts), daily digests
//! grouped by tool at the digest hour, refusals and outages handled like a
//! webhook's, and the owner told by e-mail when a webhook answers 410.

// Shared with webhooks.rs, which uses all of it; this file only part.
#[allow(dead_code)]
mod receiver;

use chrono::Duration;
use serde_json::Value;
use toolreg_core::condition::{Audience, Condition};
use toolreg_core::delivery::{Delivery, DeliveryStatus};
use toolreg_core::event::Severity;
use toolreg_core::subscription::{
    Channel, Digest, SubscriptionInput, SubscriptionScope, SubscriptionStatus,
};
use toolreg_core::verdict::VerdictLevel;
use toolreg_notify::email::EmailSender;
use toolreg_notify::payload::ApiBase;
use toolreg_notify::target::{system_lookup, TargetPolicy};
use toolreg_notify::test_support::SmtpSink;
use toolreg_notify::webhook::{Timeouts, WebhookSender};
use toolreg_notify::worker::{DeliveryWorker, WorkerConfig};
use toolreg_store::ops;
use toolreg_store::ops::fanout;
use toolreg_store::tables::subscription::Subscriber;
use toolreg_store::tables::{delivery, subscription};
use toolreg_store::test_fixtures::{ctx, ctx_by, draft, drafted_dpia, tool, vendor};
use toolreg_store::test_support::TestDb;
use toolreg_store::{DbPool, PageRequest};
use uuid::Uuid;

const FROM: &str = "Verktøyregisteret <varsel@kommune.example>";

struct Setup {
    _db: TestDb,
    pool: DbPool,
    org: Uuid,
    sink: SmtpSink,
}

impl Setup {
    fn new(db: TestDb, sink: SmtpSink) -> Self {
        let pool = db.pool();
        let org = vendor(&mut pool.get().expect("connection"), "Bergen kommune");
        let s = Self {
            _db: db,
            pool,
            org,
            sink,
        };
        // The consumer starts at the end of the log: what came before is
        // not news.
        fanout::step(&mut s.conn(), toolreg_store::time::now(), 100).expect("start");
        s
    }

    fn conn(&self) -> toolreg_store::PooledDb {
        self.pool.get().expect("connection")
    }

    fn subscribe(&self, channel: Channel) -> Uuid {
        let input = SubscriptionInput {
            scope: SubscriptionScope::All {},
            event_types: vec![],
            min_severity: Severity::Info,
            channel,
        };
        let secret = matches!(input.channel, Channel::Webhook { .. })
            .then(|| toolreg_notify::signing::SigningSecret::generate().expect("secret"));
        ops::subscription::create(
            &mut self.conn(),
            &ctx(2),
            Uuid::now_v7(),
            Subscriber::municipality(self.org),
            &input,
            secret.as_ref().map(|s| s.expose()).as_deref(),
        )
        .expect("subscription")
        .id
    }

    fn mail(&self, addresses: &[&str], digest: Digest) -> Uuid {
        self.subscribe(Channel::Email {
            addresses: addresses.iter().map(|a| a.to_string()).collect(),
            digest,
        })
    }

    fn worker(&self, smtp_url: Option<&str>) -> DeliveryWorker {
        let webhooks = WebhookSender::new(
            TargetPolicy {
                allow_http: true,
                allow_private: true,
            },
            system_lookup(),
            Timeouts {
                connect: std::time::Duration::from_secs(2),
                total: std::time::Duration::from_secs(5),
            },
        )
        .expect("client");
        let worker = DeliveryWorker::new(
            self.pool.clone(),
            webhooks,
            ApiBase::new("https://toolreg.test"),
            WorkerConfig::default(),
        );
        match smtp_url {
            Some(url) => worker.with_email(EmailSender::new(url, FROM).expect("sender")),
            None => worker,
        }
    }

    fn mailing_worker(&self) -> DeliveryWorker {
        self.worker(Some(&self.sink.url()))
    }

    fn deliveries(&self, subscription: Uuid) -> Vec<Delivery> {
        delivery::list_for_subscription(&mut self.conn(), subscription, &PageRequest::first(100))
            .expect("list")
            .items
    }

    /// Publish a verdict on `tool`: approved first, then approved with one
    /// more condition. Returns the assessment.
    fn approve(&self, tool: Uuid) -> Uuid {
        let a = drafted_dpia(&mut self.conn(), tool);
        ops::assessment::publish(
            &mut self.conn(),
            &ctx_by("rev", 3),
            a.into(),
            Uuid::now_v7(),
            None,
        )
        .expect("publish v1");
        a
    }

    fn add_condition(&self, assessment: Uuid, text: &str) {
        let mut d = draft(VerdictLevel::ApprovedWithConditions, "Chat må slås av");
        d.content.conditions.push(Condition {
            text: text.into(),
            audience: Audience::School,
            setting_key: None,
            mandatory: true,
        });
        ops::assessment::replace_draft(
            &mut self.conn(),
            &ctx_by("x", 4),
            assessment.into(),
            &d,
            None,
        )
        .expect("draft v2");
        ops::assessment::publish(
            &mut self.conn(),
            &ctx_by("rev", 4),
            assessment.into(),
            Uuid::now_v7(),
            None,
        )
        .expect("publish v2");
    }
}

fn text(message: &Value, part: &str) -> String {
    message[part].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_immediate_letter_says_what_changed_in_norwegian_in_both_parts() {
    for db in TestDb::all() {
        let backend = db.name();
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let s = Setup::new(db, sink);
        let padlet = tool(&mut s.conn(), "padlet", s.org);
        let assessment = s.approve(padlet);
        // Subscribed after the first verdict: only the change is news.
        s.worker(None).run_once().await.expect("catch up");
        let sub = s.mail(
            &["personvern@bergen.kommune.example", "rektor@skole.example"],
            Digest::Immediate,
        );
        s.add_condition(assessment, "Chat mellom elever skal være slått av");

        let round = s.mailing_worker().run_once().await.expect("round");
        assert_eq!((round.attempted, round.delivered), (1, 1), "{backend}");
        let got = s.sink.wait_for(1);
        assert_eq!(got.len(), 1, "{backend}: {got:?}");
        let m = &got[0];
        let d = &s.deliveries(sub)[0];
        assert_eq!(
            (d.status, d.attempts, d.last_status_code),
            (DeliveryStatus::Delivered, 1, Some(250)),
            "{backend}"
        );
        let h = &m["headers"];
        assert_eq!(
            h["subject"],
            "Vurderingen av PADLET er endret fra «Godkjent» til «Godkjent med vilkår»",
            "{backend}"
        );
        assert_eq!(h["from"], FROM);
        assert_eq!(
            m["rcpt_tos"],
            serde_json::json!(["personvern@bergen.kommune.example", "rektor@skole.example"])
        );
        assert_eq!(m["mail_from"], "varsel@kommune.example");
        // The Message-ID is the delivery's, the same on every attempt.
        assert_eq!(
            h["message-id"],
            format!("<{}@kommune.example>", d.webhook_id()),
            "{backend}"
        );
        assert_eq!(h["auto-submitted"], "auto-generated");
        assert_eq!(m["content_type"], "multipart/alternative");
        assert_eq!(m["defects"], serde_json::json!([]));
        let plain = text(m, "text");
        let html = text(m, "html");
        for body in [&plain, &html] {
            assert!(
                body.contains("Nytt vilkår: Chat mellom elever skal være slått av"),
                "{backend}: {body}"
            );
            assert!(body.contains("Endringsnotat: Chat må slås av"), "{body}");
        }
        assert!(
            plain.contains(&format!(
                "Se hva som er endret: https://toolreg.test/api/v1/tools/{padlet}/verdicts/diff?from={assessment}:1&to={assessment}:2"
            )),
            "{plain}"
        );
        assert!(html.contains("<html lang=\"nb\">"), "{html}");
        assert!(html.contains("<li>Nytt vilkår: Chat mellom elever skal være slått av</li>"));
        assert!(html.contains(&format!(
            "href=\"https://toolreg.test/api/v1/subscriptions/{sub}\""
        )));

        let again = s.mailing_worker().run_once().await.expect("round");
        assert_eq!(again.attempted, 0, "{backend}: sent once");
    }
}

#[tokio::test]
async fn a_daily_digest_waits_for_the_digest_hour_and_groups_by_tool() {
    for db in TestDb::all() {
        let backend = db.name();
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let s = Setup::new(db, sink);
        let sub = s.mail(&["ikt@bergen.kommune.example"], Digest::Daily);
        let now = toolreg_store::time::now();
        let padlet = tool(&mut s.conn(), "padlet", s.org);
        tool(&mut s.conn(), "kahoot", s.org);
        s.approve(padlet);

        let worker = s.mailing_worker();
        let round = worker.run_once_at(now).await.expect("round");
        assert_eq!(
            (round.fanned.deliveries, round.attempted),
            (3, 0),
            "{backend}: gathered, not sent"
        );
        assert!(s.sink.messages().is_empty(), "{backend}");
        let due = Digest::Daily.due(now);
        assert!(s
            .deliveries(sub)
            .iter()
            .all(|d| d.status == DeliveryStatus::Pending && d.next_attempt_at == due));

        let round = worker
            .run_once_at(due + Duration::seconds(1))
            .await
            .expect("round");
        assert_eq!((round.attempted, round.delivered), (3, 3), "{backend}");
        let got = s.sink.wait_for(1);
        assert_eq!(got.len(), 1, "{backend}: one letter for the day");
        let m = &got[0];
        assert_eq!(
            m["headers"]["subject"],
            "Dagens endringer i verktøyregisteret: 3 endringer for 2 verktøy"
        );
        let plain = text(m, "text");
        let kahoot = plain.find("== KAHOOT ==").expect("Kahoot's group");
        let padlet_at = plain.find("== PADLET ==").expect("Padlet's group");
        assert!(kahoot < padlet_at, "{backend}: tools by name\n{plain}");
        let new_tool = plain
            .find("Nytt verktøy i registeret: PADLET")
            .expect("Padlet's creation");
        let verdict = plain
            .find("Ny vurdering av PADLET: «Godkjent»")
            .expect("Padlet's verdict");
        assert!(padlet_at < new_tool && new_tool < verdict, "{plain}");
        let html = text(m, "html");
        assert_eq!(html.matches("<h2>").count(), 2, "{html}");
        assert!(s
            .deliveries(sub)
            .iter()
            .all(|d| d.status == DeliveryStatus::Delivered));
    }
}

#[tokio::test]
async fn refusals_are_dead_and_outages_are_tried_again() {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let s = Setup::new(TestDb::sqlite(), sink);
    let refused = s.mail(&["refuse@kommune.example"], Digest::Immediate);
    let busy = s.mail(&["busy@kommune.example"], Digest::Immediate);
    tool(&mut s.conn(), "padlet", s.org);
    let round = s.mailing_worker().run_once().await.expect("round");
    assert_eq!((round.attempted, round.delivered), (2, 0));

    let dead = &s.deliveries(refused)[0];
    assert_eq!(dead.status, DeliveryStatus::Dead, "a 550 is final");
    assert!(
        dead.last_error
            .as_deref()
            .is_some_and(|e| e.contains("550")),
        "{dead:?}"
    );
    let waiting = &s.deliveries(busy)[0];
    assert_eq!(
        waiting.status,
        DeliveryStatus::Pending,
        "a 451 is tried again"
    );
    assert!(waiting.next_attempt_at > toolreg_store::time::now());
    assert_eq!(waiting.attempts, 1);

    // A relay that does not answer at all, and a service with no relay.
    let closed = format!(
        "smtp://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port()
    );
    for (worker, says) in [
        (s.worker(Some(&closed)), "SMTP"),
        (s.worker(None), "TOOLREG_SMTP_URL"),
    ] {
        delivery::redeliver(&mut s.conn(), waiting.id, toolreg_store::time::now()).expect("due");
        let round = worker.run_once().await.expect("round");
        assert_eq!((round.attempted, round.delivered), (1, 0));
        let d = &s.deliveries(busy)[0];
        assert_eq!(d.status, DeliveryStatus::Pending);
        assert!(
            d.last_error.as_deref().is_some_and(|e| e.contains(says)),
            "{d:?}"
        );
    }
    assert!(s.sink.messages().is_empty());
}

#[tokio::test]
async fn a_webhook_that_is_gone_is_turned_off_and_its_owner_told_by_e_mail() {
    for db in TestDb::all() {
        let backend = db.name();
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let s = Setup::new(db, sink);
        let hook = receiver::Receiver::start().await;
        hook.reply(receiver::Reply::status(410));
        let url = hook.url("/gone");
        let webhook = s.subscribe(Channel::Webhook { url: url.clone() });
        let mail = s.mail(&["personvern@bergen.kommune.example"], Digest::Immediate);
        tool(&mut s.conn(), "padlet", s.org);

        let worker = s.mailing_worker();
        worker.run_once().await.expect("round");
        assert_eq!(hook.received().len(), 1, "{backend}");
        let gone = subscription::get(&mut s.conn(), webhook).expect("webhook");
        assert_eq!(gone.status, SubscriptionStatus::Disabled, "{backend}");
        // The notice was queued with the change; the next round sends it.
        worker.run_once().await.expect("round");
        let got = s.sink.wait_for(2);
        assert_eq!(got.len(), 2, "{backend}: the event and the notice");
        let notice = got
            .iter()
            .find(|m| m["headers"]["subject"] == "Et webhook-abonnement er slått av")
            .expect("the notice");
        let plain = text(notice, "text");
        assert!(
            plain.contains(&format!(
                "Verktøyregisteret har slått av webhooken til {url}."
            )),
            "{plain}"
        );
        assert!(plain.contains("410 Gone"), "{plain}");
        assert!(text(notice, "html").contains(&format!(
            "href=\"https://toolreg.test/api/v1/subscriptions/{webhook}\""
        )));
        let notices: Vec<Delivery> = s
            .deliveries(mail)
            .into_iter()
            .filter(|d| d.about_subscription_id == Some(webhook))
            .collect();
        assert_eq!(notices.len(), 1, "{backend}");
        assert_eq!(notices[0].status, DeliveryStatus::Delivered);
    }
}
