//! What an event means, in Norwegian words a school leader understands:
//! one headline and one sentence of detail. Feeds (and e-mail) say it this
//! way; machines read the CloudEvent.

use serde_json::Value;
use toolreg_core::diff::VerdictDiff;
use toolreg_core::event::{Event, EventType, Severity};
use toolreg_core::submission::{Party, SubmissionKind, SubmissionStatus};
use toolreg_core::subprocessor_diff::SubprocessorDiff;
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
        EventType::DocumentExpiring => {
            let what = match data.get("title").and_then(Value::as_str) {
                Some(title) => format!("«{title}»"),
                None => match data.get("kind").and_then(Value::as_str) {
                    Some("certificate") => "Et sertifikat".to_string(),
                    Some("dpa_template") => "Databehandleravtalen".to_string(),
                    _ => "Et dokument".to_string(),
                },
            };
            let when = data
                .get("expires_at")
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.format("%d.%m.%Y").to_string())
                .unwrap_or_default();
            if data.get("stage").and_then(Value::as_str) == Some("expired") {
                format!("{what} for {tool} har utløpt ({when})")
            } else {
                format!("{what} for {tool} utløper {when}")
            }
        }
        EventType::RegistryLoaded => "Registeret er lastet inn på nytt".to_string(),
        EventType::SubmissionSubmitted => {
            let kind = submission_kind(data);
            if data.get("revised").and_then(Value::as_bool) == Some(true) {
                format!("Revidert innsending for {tool}: {kind}")
            } else {
                format!("Ny innsending for {tool}: {kind}")
            }
        }
        EventType::SubmissionCommented => {
            let party = data
                .get("party")
                .and_then(Value::as_str)
                .and_then(|p| p.parse::<Party>().ok())
                .map_or("noen", Party::label_nb);
            format!("Ny kommentar fra {party} på innsendingen for {tool}")
        }
        EventType::SubmissionStatusChanged => {
            let status = data
                .get("status")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<SubmissionStatus>().ok())
                .map_or("endret", SubmissionStatus::label_nb);
            format!("Innsendingen for {tool} er {status}")
        }
        EventType::InventoryToolProposed => {
            let by = data
                .get("organisation_name")
                .and_then(Value::as_str)
                .unwrap_or("En kommune");
            format!("{by} foreslår {tool} for registeret")
        }
        EventType::InventoryVerdictChanged => {
            if data.get("reason").and_then(Value::as_str) == Some("withdrawn") {
                format!("Vurderingen dere godkjente for {tool} er trukket tilbake")
            } else {
                format!("Ny versjon av vurderingen dere godkjente for {tool}")
            }
        }
    }
}

/// What a submission event's submission holds, in Norwegian.
fn submission_kind(data: &Value) -> &'static str {
    data.get("kind")
        .and_then(Value::as_str)
        .and_then(|k| k.parse::<SubmissionKind>().ok())
        .map_or("opplysninger", SubmissionKind::label_nb)
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
        EventType::DocumentExpiring => Some(
            "Leverandøren må sende inn et gyldig dokument; sjekk om avtalen deres bygger på det."
                .to_string(),
        ),
        EventType::InventoryToolProposed => text("purpose")
            .filter(|t| !t.is_empty())
            .map(|t| format!("Brukes til: {t}")),
        EventType::InventoryVerdictChanged => Some(
            "Gå gjennom endringene, oppdater den lokale delen og godkjenn versjonen som gjelder nå."
                .to_string(),
        ),
        EventType::SubmissionSubmitted
        | EventType::SubmissionCommented
        | EventType::SubmissionStatusChanged => {
            // Told to the vendor and the reviewers, not to municipalities:
            // their words, and whose move it is.
            let said = text("text")
                .filter(|t| !t.is_empty())
                .map(|t| format!("«{t}» "))
                .unwrap_or_default();
            let next = match data.get("status").and_then(Value::as_str) {
                Some("changes_requested") => "Leverandøren sender en revidert innsending.",
                Some("accepted") => "Innsendingen er tatt inn i registeret.",
                Some("rejected") => "Innsendingen er avsluttet.",
                _ => "En vurderer følger den opp.",
            };
            return format!("{said}{next}");
        }
        _ => None,
    };
    match what {
        Some(w) => format!("{w} {severity}"),
        None => severity.to_string(),
    }
}

/// What changed, one line each, from the structured diff the event
/// carries: conditions added and removed, findings and their risk, data
/// flows, and subprocessors with the third countries data newly goes to.
/// Empty when the event has no diff (a first verdict, a new tool).
pub fn changes(event: &Event) -> Vec<String> {
    let Some(diff) = event.data.get("diff").filter(|d| !d.is_null()) else {
        return Vec::new();
    };
    match event.event_type {
        EventType::VerdictPublished | EventType::InventoryVerdictChanged => {
            serde_json::from_value::<VerdictDiff>(diff.clone())
                .map(|d| verdict_changes(&d))
                .unwrap_or_default()
        }
        EventType::SubprocessorsChanged => serde_json::from_value::<SubprocessorDiff>(diff.clone())
            .map(|d| subprocessor_changes(&d))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn verdict_changes(d: &VerdictDiff) -> Vec<String> {
    let mut lines = Vec::new();
    for c in &d.conditions_added {
        lines.push(format!("Nytt vilkår: {}", c.text));
    }
    for c in &d.conditions_changed {
        lines.push(format!("Endret vilkår: {}", c.to.text));
    }
    for c in &d.conditions_removed {
        lines.push(format!("Vilkår som er fjernet: {}", c.text));
    }
    for f in &d.findings_added {
        lines.push(format!("Nytt funn: {}", f.title));
    }
    for f in &d.findings_changed {
        match &f.residual_risk {
            Some(r) => lines.push(format!(
                "Restrisikoen for «{}» er endret fra {} ({}) til {} ({})",
                f.title,
                r.from.level.label_nb(),
                r.from.score,
                r.to.level.label_nb(),
                r.to.score
            )),
            None => lines.push(format!("Endret funn: {}", f.title)),
        }
    }
    for f in &d.findings_removed {
        lines.push(format!("Funn som er fjernet: {}", f.title));
    }
    let flows = d.data_flows_added.len() + d.data_flows_removed.len() + d.data_flows_changed.len();
    if flows > 0 {
        lines.push(format!(
            "Dataflyt: {} lagt til, {} endret, {} fjernet",
            d.data_flows_added.len(),
            d.data_flows_changed.len(),
            d.data_flows_removed.len()
        ));
    }
    lines
}

fn subprocessor_changes(d: &SubprocessorDiff) -> Vec<String> {
    let mut lines = Vec::new();
    if !d.third_countries_added.is_empty() {
        lines.push(format!(
            "Data kan nå gå til land utenfor EØS: {}",
            d.third_countries_added.join(", ")
        ));
    }
    for e in &d.added {
        lines.push(format!("Ny underleverandør: {} ({})", e.name, e.country));
    }
    for e in &d.changed {
        match &e.country {
            Some(c) => lines.push(format!(
                "{} har flyttet fra {} til {}",
                e.name, c.from, c.to
            )),
            None => lines.push(format!("Endrede opplysninger om {}", e.name)),
        }
    }
    for e in &d.removed {
        lines.push(format!(
            "Underleverandør som er fjernet: {} ({})",
            e.name, e.country
        ));
    }
    lines
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
            private_to: None,
        }
    }

    #[test]
    fn submission_steps_say_who_did_what_in_norwegian() {
        let sent = event(
            EventType::SubmissionSubmitted,
            Severity::Info,
            json!({"kind": "subprocessor_list", "revised": false, "text": null}),
        );
        assert_eq!(
            headline(&sent, Some("Kahoot!")),
            "Ny innsending for Kahoot!: underleverandørliste"
        );
        assert_eq!(detail(&sent), "En vurderer følger den opp.");
        let said = event(
            EventType::SubmissionCommented,
            Severity::Info,
            json!({"party": "reviewer", "text": "Hvor lagres data?"}),
        );
        assert_eq!(
            headline(&said, Some("Kahoot!")),
            "Ny kommentar fra vurdereren på innsendingen for Kahoot!"
        );
        assert!(detail(&said).starts_with("«Hvor lagres data?»"));
        let back = event(
            EventType::SubmissionStatusChanged,
            Severity::Warning,
            json!({"status": "changes_requested", "name": "Salaby", "text": "Mangler land."}),
        );
        assert_eq!(
            headline(&back, None),
            "Innsendingen for Salaby er sendt tilbake med ønske om endringer"
        );
        assert_eq!(
            detail(&back),
            "«Mangler land.» Leverandøren sender en revidert innsending."
        );
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

    #[test]
    fn changes_are_listed_from_the_diff_in_words() {
        use toolreg_core::condition::{Audience, Condition};
        use toolreg_core::diff::{Change, FindingChange};
        use toolreg_core::risk::Risk;
        let diff = VerdictDiff {
            conditions_added: vec![Condition {
                text: "Slå av chat mellom elever".into(),
                audience: Audience::SchoolOwner,
                setting_key: None,
                mandatory: true,
            }],
            findings_changed: vec![FindingChange {
                reference: "R1".into(),
                title: "Profilering".into(),
                changed_fields: vec!["likelihood".into()],
                risk: None,
                residual_risk: Some(Change {
                    from: Risk::of(1, 3),
                    to: Risk::of(3, 4),
                }),
            }],
            ..VerdictDiff::default()
        };
        let e = event(
            EventType::VerdictPublished,
            Severity::Warning,
            json!({"slug": "padlet", "diff": diff}),
        );
        assert_eq!(
            changes(&e),
            vec![
                "Nytt vilkår: Slå av chat mellom elever".to_string(),
                "Restrisikoen for «Profilering» er endret fra lav (3) til høy (12)".to_string(),
            ]
        );
        let first = event(
            EventType::VerdictPublished,
            Severity::Info,
            json!({"slug": "padlet", "diff": null}),
        );
        assert!(changes(&first).is_empty());
    }

    #[test]
    fn new_third_countries_come_first() {
        let diff = json!({
            "added": [{"id": "s1", "name": "OpenAI", "country": "US", "role": "sub_processor", "transfer_mechanism": "scc"}],
            "removed": [], "changed": [],
            "third_countries_added": ["US"], "third_countries_removed": []
        });
        let e = event(
            EventType::SubprocessorsChanged,
            Severity::Critical,
            json!({"slug": "padlet", "diff": diff}),
        );
        assert_eq!(
            changes(&e),
            vec![
                "Data kan nå gå til land utenfor EØS: US".to_string(),
                "Ny underleverandør: OpenAI (US)".to_string(),
            ]
        );
    }

    #[test]
    fn expiring_documents_say_what_and_when_without_restricted_titles() {
        let soon = event(
            EventType::DocumentExpiring,
            Severity::Warning,
            json!({"slug": "kahoot", "kind": "certificate", "title": null,
                   "expires_at": "2027-06-30T00:00:00Z", "stage": "soon"}),
        );
        assert_eq!(
            headline(&soon, Some("Kahoot!")),
            "Et sertifikat for Kahoot! utløper 30.06.2027"
        );
        let gone = event(
            EventType::DocumentExpiring,
            Severity::Critical,
            json!({"slug": "kahoot", "kind": "certificate", "title": "ISO 27001",
                   "expires_at": "2027-06-30T00:00:00Z", "stage": "expired"}),
        );
        assert_eq!(
            headline(&gone, Some("Kahoot!")),
            "«ISO 27001» for Kahoot! har utløpt (30.06.2027)"
        );
    }
}
