use super::*;

fn sub() -> SubscriptionInput {
    SubscriptionInput {
        scope: SubscriptionScope::Tools {
            ids: vec![Uuid::nil()],
        },
        event_types: vec![EventType::VerdictPublished],
        min_severity: Severity::Warning,
        channel: Channel::Webhook {
            url: "https://kommune.example/hook".into(),
        },
    }
}

#[test]
fn filters_by_type_and_severity() {
    let s = sub();
    assert!(s.accepts(EventType::VerdictPublished, Severity::Critical));
    assert!(!s.accepts(EventType::VerdictPublished, Severity::Info));
    assert!(!s.accepts(EventType::ToolUpdated, Severity::Critical));
}

#[test]
fn scope_covers_tools_vendors_and_categories() {
    let tool = ToolInScope {
        id: Uuid::from_u128(1),
        vendor_id: Uuid::from_u128(2),
        categories: vec!["quiz".into(), "assessment".into()],
    };
    let mut s = sub();
    for (scope, covered) in [
        (SubscriptionScope::All {}, true),
        (
            SubscriptionScope::Tools {
                ids: vec![Uuid::from_u128(1)],
            },
            true,
        ),
        (
            SubscriptionScope::Tools {
                ids: vec![Uuid::from_u128(2)],
            },
            false,
        ),
        (
            SubscriptionScope::Vendors {
                ids: vec![Uuid::from_u128(2)],
            },
            true,
        ),
        (
            SubscriptionScope::Vendors {
                ids: vec![Uuid::from_u128(1)],
            },
            false,
        ),
        (
            SubscriptionScope::Categories {
                categories: vec!["quiz".into()],
            },
            true,
        ),
        (
            SubscriptionScope::Categories {
                categories: vec!["office".into()],
            },
            false,
        ),
    ] {
        s.scope = scope.clone();
        assert_eq!(s.covers(&tool, || unreachable!()), covered, "{scope:?}");
    }
    // The inventory scope asks the inventory, and only it decides.
    s.scope = SubscriptionScope::Inventory {};
    assert!(s.covers(&tool, || true));
    assert!(!s.covers(&tool, || false));
}

#[test]
fn names_every_bad_field() {
    let mut s = sub();
    s.scope = SubscriptionScope::Vendors { ids: vec![] };
    s.channel = Channel::Email {
        addresses: vec![
            "ok@bergen.kommune.no".into(),
            "not an address".into(),
            "a@b".into(),
        ],
        digest: Digest::Daily,
    };
    let errs = s.validate().err().unwrap_or_default();
    let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(
        p,
        ["/scope", "/channel/addresses/1", "/channel/addresses/2"]
    );
    s.channel = Channel::Webhook {
        url: "not a url".into(),
    };
    s.scope = SubscriptionScope::All {};
    let errs = s.validate().err().unwrap_or_default();
    let p: Vec<&str> = errs.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(p, ["/channel/url"]);
}

#[test]
fn addresses_cannot_smuggle_headers() {
    for bad in [
        "a@b.no\r\nBcc: x@y.no",
        "Name <a@b.no>",
        "a@b.no, c@d.no",
        "@b.no",
        "a@.no",
    ] {
        assert!(check_email_address(bad).is_err(), "{bad:?}");
    }
    assert_eq!(check_email_address("postmottak@bergen.kommune.no"), Ok(()));
}

#[test]
fn scope_and_channel_are_tagged_json() {
    let s: Result<SubscriptionScope, _> =
        serde_json::from_str(r#"{"kind":"categories","categories":["quiz"]}"#);
    assert_eq!(
        s.ok(),
        Some(SubscriptionScope::Categories {
            categories: vec!["quiz".into()]
        })
    );
    let c: Result<Channel, _> =
        serde_json::from_str(r#"{"kind":"email","addresses":["a@b.no"],"digest":"weekly"}"#);
    assert_eq!(
        c.ok(),
        Some(Channel::Email {
            addresses: vec!["a@b.no".into()],
            digest: Digest::Weekly
        })
    );
    let secret_in_body: Result<Channel, _> =
        serde_json::from_str(r#"{"kind":"webhook","url":"https://a.no","secret":"x"}"#);
    assert!(secret_in_body.is_err(), "the server makes the secret");
}

#[test]
fn digests_wait_for_the_next_digest_hour() {
    let at = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    };
    // Wednesday 25 November 2026, before and after 05:00 UTC.
    let early = at("2026-11-25T04:59:59Z");
    let late = at("2026-11-25T05:00:00Z");
    assert_eq!(Digest::Immediate.due(late), late);
    assert_eq!(Digest::Daily.due(early), at("2026-11-25T05:00:00Z"));
    assert_eq!(Digest::Daily.due(late), at("2026-11-26T05:00:00Z"));
    assert_eq!(Digest::Weekly.due(late), at("2026-11-30T05:00:00Z"));
    // On a Monday: that morning if still to come, else a week on.
    assert_eq!(
        Digest::Weekly.due(at("2026-11-30T04:00:00Z")),
        at("2026-11-30T05:00:00Z")
    );
    assert_eq!(
        Digest::Weekly.due(at("2026-11-30T05:00:01Z")),
        at("2026-12-07T05:00:00Z")
    );
}

#[test]
fn every_scope_refuses_fields_it_does_not_have() {
    // Schemathesis found `{"kind": "all", "x": 42}` accepted: a unit
    // variant let unknown fields through.
    let all: Result<SubscriptionScope, _> = serde_json::from_str(r#"{"kind": "all"}"#);
    assert_eq!(all.ok(), Some(SubscriptionScope::All {}));
    for body in [
        r#"{"kind": "all", "x-unknown": 42}"#,
        r#"{"kind": "tools", "ids": [], "x-unknown": 42}"#,
    ] {
        assert!(
            serde_json::from_str::<SubscriptionScope>(body).is_err(),
            "{body} was accepted"
        );
    }
    assert_eq!(
        serde_json::to_string(&SubscriptionScope::All {})
            .ok()
            .as_deref(),
        Some(r#"{"kind":"all"}"#),
        "the wire form is unchanged"
    );
}
