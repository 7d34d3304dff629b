use super::*;
use serde_json::json;
use toolreg_core::event::{EventType, Severity};

const PADLET: Uuid = Uuid::from_u128(1);
const KAHOOT: Uuid = Uuid::from_u128(2);

fn event(sequence: i64, tool: Uuid, event_type: EventType, data: Value) -> Event {
    Event {
        id: Uuid::from_u128(1000 + sequence as u128),
        sequence,
        event_type,
        severity: Severity::Warning,
        subject: format!("tools/{tool}"),
        time: DateTime::<Utc>::UNIX_EPOCH,
        data,
        private_to: None,
    }
}

fn base() -> ApiBase {
    ApiBase::new("https://toolreg.example")
}

#[test]
fn an_immediate_letter_says_what_changed_in_both_bodies() {
    let e = event(
        1,
        PADLET,
        EventType::VerdictPublished,
        json!({"slug": "padlet", "level_before": "approved", "level_after": "approved_with_conditions",
               "assessment_id": "a1", "version": 2, "previous_version": 1,
               "change_note": "Chat <b>må</b> slås av."}),
    );
    let letter = immediate(&e, Some("Padlet"), Uuid::nil(), &base());
    assert_eq!(
        letter.subject,
        "Vurderingen av Padlet er endret fra «Godkjent» til «Godkjent med vilkår»"
    );
    assert!(letter
        .text
        .contains("Endringsnotat: Chat <b>må</b> slås av."));
    assert!(letter.text.contains(
        "Se hva som er endret: https://toolreg.example/api/v1/tools/00000000-0000-0000-0000-000000000001/verdicts/diff?from=a1:1&to=a1:2"
    ));
    // The change note is the reviewer's text: escaped in HTML.
    assert!(letter.html.contains("Chat &lt;b&gt;må&lt;/b&gt; slås av."));
    assert!(letter.html.contains("<html lang=\"nb\">"));
    assert!(letter.html.contains("from=a1:1&amp;to=a1:2"));
    assert!(letter
        .text
        .contains("/api/v1/subscriptions/00000000-0000-0000-0000-000000000000"));
}

#[test]
fn a_digest_groups_events_by_tool_in_name_order() {
    let events = [
        event(3, PADLET, EventType::ToolUpdated, json!({"slug": "padlet"})),
        event(
            1,
            PADLET,
            EventType::VerdictWithdrawn,
            json!({"slug": "padlet", "reason": "Feil i grunnlaget"}),
        ),
        event(2, KAHOOT, EventType::ToolUpdated, json!({"slug": "kahoot"})),
    ];
    let refs: Vec<&Event> = events.iter().collect();
    let names = HashMap::from([
        (PADLET, "Padlet".to_string()),
        (KAHOOT, "Kahoot!".to_string()),
    ]);
    let letter = digest(Digest::Weekly, &refs, &names, Uuid::nil(), &base());
    assert_eq!(
        letter.subject,
        "Ukens endringer i verktøyregisteret: 3 endringer for 2 verktøy"
    );
    let kahoot = letter.text.find("== Kahoot! ==").expect("Kahoot's group");
    let padlet = letter.text.find("== Padlet ==").expect("Padlet's group");
    assert!(kahoot < padlet, "{}", letter.text);
    // Within a tool, oldest first.
    let withdrawn = letter
        .text
        .find("Vurderingen av Padlet er trukket tilbake")
        .expect("withdrawal");
    let updated = letter
        .text
        .find("Opplysningene om Padlet er oppdatert")
        .expect("update");
    assert!(padlet < withdrawn && withdrawn < updated, "{}", letter.text);
    assert_eq!(letter.html.matches("<h2>").count(), 2);
    assert!(letter.html.contains("<h2>Kahoot!</h2>"));
}
