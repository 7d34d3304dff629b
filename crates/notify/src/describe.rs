//! What an event means, in Norwegian words a school leader understands:
//! one headline and one sentence of detail. Feeds (and e-mail) say it this
//! way; machines read the CloudEvent.

use serde_json::Value;
use toolreg_core::event::{Event, EventType, Severity};
use toolreg_core::verdict::VerdictLevel;

fn level(data: &Value, key: &str) -> Option<&'static str> {
    data.get(key)
        .and_then(Value::as_str)
        .and_then(|l| l.parse::<VerdictLevel>().ok())
        .map(VerdictLevel::label_nb)
}

/// The tool's name as the event has it, or its slug.
fn tool_name<'a>(event: &'a Event, known: Option<&'a str>) -> &'a str {
    known
        .or_else(|| event.data.get("name").and_then(Value::as_str))
        .or_else(|| event.data.get("slug").and_then(Value::as_str))
        .unwrap_or("et verktøy")
}

/// A one-line headline, e.g. "Vurderingen av Padlet er endret fra
/// «Godkjent» til «Godkjent med vilkår»".
pub fn headline(event: &Event, name: Option<&str>) -> String {
    let tool = tool_name(event, name);
    let data = &event.data;
    match event.event_type {
        EventType::VerdictPublished => {
            match (level(data, "level_before"), level(data, "level_after")) {
                (Some(before), Some(after)) if before != after => {
                    format!("Vurderingen av {tool} er endret fra «{before}» til «{after}»")
                }
                (_, Some(after)) => format!("Ny vurdering av {tool}: «{after}»"),
                _ => format!("Ny vurdering av {tool}"),
            }
        }
        EventType::VerdictWithdrawn => format!("Vurderingen av {tool} er trukket tilbake"),
        EventType::SubprocessorsChanged => format!("Underleverandørene til {tool} er endret"),
        EventType::ToolCreated => format!("Nytt verktøy i registeret: {tool}"),
        EventType::ToolUpdated => format!("Opplysningene om {tool} er oppdatert"),
        EventType::RegistryLoaded => "Registeret er lastet inn på nytt".to_string(),
    }
}

/// A sentence of detail: the change note, the reason, what changed.
pub fn detail(event: &Event) -> String {
    let data = &event.data;
    let text = |key: &str| data.get(key).and_then(Value::as_str).map(str::trim);
    let severity = match event.severity {
        Severity::Info => "Til orientering.",
        Severity::Warning => "Bør følges opp.",
        Severity::Critical => "Krever handling: sjekk om dere bruker verktøyet.",
    };
    let what = match event.event_type {
        EventType::VerdictPublished => text("change_note")
            .filter(|t| !t.is_empty())
            .map(|t| format!("Endringsnotat: {t}")),
        EventType::VerdictWithdrawn => text("reason").map(|t| format!("Begrunnelse: {t}")),
        EventType::SubprocessorsChanged => Some(
            "Se hvilke underleverandører som er lagt til eller fjernet, og om data nå går til land utenfor EØS."
                .to_string(),
        ),
        _ => None,
    };
    match what {
        Some(w) => format!("{w} {severity}"),
        None => severity.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use serde_json::json;

    fn event(event_type: EventType, severity: Severity, data: Value) -> Event {
        Event {
            id: uuid::Uuid::nil(),
            sequence: 1,
            event_type,
            severity,
            subject: "tools/x".into(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            data,
        }
    }

    #[test]
    fn a_lowered_verdict_says_from_what_to_what() {
        let e = event(
            EventType::VerdictPublished,
            Severity::Warning,
            json!({"slug": "padlet", "level_before": "approved", "level_after": "approved_with_conditions", "change_note": "Nye vilkår for deling."}),
        );
        assert_eq!(
            headline(&e, Some("Padlet")),
            "Vurderingen av Padlet er endret fra «Godkjent» til «Godkjent med vilkår»"
        );
        assert_eq!(
            detail(&e),
            "Endringsnotat: Nye vilkår for deling. Bør følges opp."
        );
    }

    #[test]
    fn first_verdicts_withdrawals_and_tools_read_as_news() {
        let first = event(
            EventType::VerdictPublished,
            Severity::Info,
            json!({"slug": "kahoot", "level_before": null, "level_after": "approved"}),
        );
        assert_eq!(headline(&first, None), "Ny vurdering av kahoot: «Godkjent»");
        let gone = event(
            EventType::VerdictWithdrawn,
            Severity::Critical,
            json!({"slug": "vigilo", "reason": "Feil i grunnlaget"}),
        );
        assert_eq!(
            headline(&gone, Some("Vigilo")),
            "Vurderingen av Vigilo er trukket tilbake"
        );
        assert!(detail(&gone).starts_with("Begrunnelse: Feil i grunnlaget"));
        let new = event(
            EventType::ToolCreated,
            Severity::Info,
            json!({"name": "Salaby"}),
        );
        assert_eq!(headline(&new, None), "Nytt verktøy i registeret: Salaby");
    }
}
