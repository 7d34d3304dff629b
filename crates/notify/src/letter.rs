//! E-mail for people: one letter per event, or a daily or weekly digest
//! grouped by tool, and the two letters about a subscription itself (a
//! test, and the notice that a webhook was turned off). In Norwegian, as
//! plain text and as HTML saying the same, with links to what changed.

use crate::describe::{changes, detail, headline};
use crate::markup::escape;
use crate::payload::{links, ApiBase};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use toolreg_core::event::Event;
use toolreg_core::subscription::{Channel, Digest, Subscription};
use uuid::Uuid;

/// A letter's subject and its two bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What the registry calls itself in a letter's signature.
const SIGNATURE: &str = "Verktøyregisteret for skolen";

/// The names of a link in a letter, in the order they are shown.
const LINK_NAMES: &[(&str, &str)] = &[
    ("diff", "Se hva som er endret"),
    ("verdict", "Vurderingen som gjelder nå"),
    ("subprocessors", "Underleverandørene"),
    ("document", "Dokumentet"),
    ("tool", "Verktøyet i registeret"),
];

/// One event as a section: headline, what changed, a sentence of detail
/// and links. Written into both bodies.
struct Section {
    headline: String,
    changes: Vec<String>,
    detail: String,
    links: Vec<(&'static str, String)>,
    time: DateTime<Utc>,
}

impl Section {
    fn of(event: &Event, name: Option<&str>, base: &ApiBase) -> Self {
        let links_json = links(event, base);
        let links = LINK_NAMES
            .iter()
            .filter_map(|(key, label)| {
                links_json
                    .get(*key)
                    .and_then(Value::as_str)
                    .map(|url| (*label, url.to_string()))
            })
            .collect();
        Self {
            headline: headline(event, name),
            changes: changes(event),
            detail: detail(event),
            links,
            time: event.time,
        }
    }

    fn write_text(&self, out: &mut String, heading: bool) {
        if heading {
            let _ = writeln!(out, "{}", self.headline);
        }
        let _ = writeln!(out, "({})", norwegian_time(self.time));
        for c in &self.changes {
            let _ = writeln!(out, "  - {c}");
        }
        let _ = writeln!(out, "{}", self.detail);
        for (label, url) in &self.links {
            let _ = writeln!(out, "{label}: {url}");
        }
        out.push('\n');
    }

    fn write_html(&self, out: &mut String, heading_level: u8) {
        let _ = write!(
            out,
            "<h{heading_level}>{}</h{heading_level}>\n<p><small>{}</small></p>\n",
            escape(&self.headline),
            escape(&norwegian_time(self.time)),
        );
        if !self.changes.is_empty() {
            out.push_str("<ul>\n");
            for c in &self.changes {
                let _ = writeln!(out, "<li>{}</li>", escape(c));
            }
            out.push_str("</ul>\n");
        }
        let _ = writeln!(out, "<p>{}</p>", escape(&self.detail));
        if !self.links.is_empty() {
            out.push_str("<p>");
            let parts: Vec<String> = self
                .links
                .iter()
                .map(|(label, url)| format!("<a href=\"{}\">{}</a>", escape(url), escape(label)))
                .collect();
            out.push_str(&parts.join(" · "));
            out.push_str("</p>\n");
        }
    }
}

/// A date and time as Norwegians write it, in UTC (the registry's clock).
fn norwegian_time(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y kl. %H:%M UTC").to_string()
}

fn html_document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The closing of every letter: why the reader got it, and where to change
/// that.
fn footer(subscription: Uuid, base: &ApiBase) -> (String, String) {
    let url = format!("{}/subscriptions/{subscription}", base.as_str());
    let text = format!(
        "-- \n{SIGNATURE}\nDu får denne e-posten fordi organisasjonen din abonnerer på endringer i registeret.\nAbonnementet: {url}\n"
    );
    let html = format!(
        "<hr>\n<p><small>{SIGNATURE}. Du får denne e-posten fordi organisasjonen din abonnerer på endringer i registeret. <a href=\"{}\">Abonnementet</a>.</small></p>\n",
        escape(&url)
    );
    (text, html)
}

/// One event, sent as it happens.
pub fn immediate(event: &Event, name: Option<&str>, subscription: Uuid, base: &ApiBase) -> Letter {
    let section = Section::of(event, name, base);
    let mut text = String::new();
    section.write_text(&mut text, true);
    let mut html = String::new();
    section.write_html(&mut html, 1);
    let (text_footer, html_footer) = footer(subscription, base);
    text.push_str(&text_footer);
    html.push_str(&html_footer);
    Letter {
        html: html_document(&section.headline, &html),
        subject: section.headline,
        text,
    }
}

/// The events gathered for a digest, grouped by tool (tools by name, each
/// tool's events oldest first). `names` holds the tools' names by id.
pub fn digest(
    digest: Digest,
    events: &[&Event],
    names: &HashMap<Uuid, String>,
    subscription: Uuid,
    base: &ApiBase,
) -> Letter {
    let mut by_tool: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for event in events {
        let name = event
            .tool_id()
            .and_then(|id| names.get(&id).cloned())
            .or_else(|| {
                event
                    .data
                    .get("slug")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "Andre endringer".to_string());
        by_tool.entry(name).or_default().push(event);
    }
    let period = match digest {
        Digest::Weekly => "Ukens",
        Digest::Daily | Digest::Immediate => "Dagens",
    };
    let count = events.len();
    let tools = by_tool.len();
    let subject = format!(
        "{period} endringer i verktøyregisteret: {count} {} for {tools} verktøy",
        if count == 1 { "endring" } else { "endringer" },
    );
    let mut text = format!("{subject}\n\n");
    let mut html = format!("<h1>{}</h1>\n", escape(&subject));
    for (tool, mut tool_events) in by_tool {
        tool_events.sort_by_key(|e| e.sequence);
        let _ = writeln!(text, "== {tool} ==\n");
        let _ = writeln!(html, "<h2>{}</h2>", escape(&tool));
        for event in tool_events {
            let section = Section::of(event, Some(&tool), base);
            section.write_text(&mut text, true);
            section.write_html(&mut html, 3);
        }
    }
    let (text_footer, html_footer) = footer(subscription, base);
    text.push_str(&text_footer);
    html.push_str(&html_footer);
    Letter {
        html: html_document(&subject, &html),
        subject,
        text,
    }
}

/// The test message a subscriber asked for.
pub fn test(subscription: Uuid, base: &ApiBase) -> Letter {
    let subject = "Testmelding fra verktøyregisteret".to_string();
    let line =
        "E-postvarslene deres fra verktøyregisteret kommer fram. Dere trenger ikke gjøre noe.";
    let (text_footer, html_footer) = footer(subscription, base);
    Letter {
        text: format!("{line}\n\n{text_footer}"),
        html: html_document(
            &subject,
            &format!(
                "<h1>{}</h1>\n<p>{}</p>\n{html_footer}",
                escape(&subject),
                escape(line)
            ),
        ),
        subject,
    }
}

/// To the owner: the registry turned one of its webhooks off.
pub fn webhook_disabled(about: &Subscription, recipient: Uuid, base: &ApiBase) -> Letter {
    let url = match &about.input.channel {
        Channel::Webhook { url } => url.as_str(),
        Channel::Email { .. } => "",
    };
    let subject = "Et webhook-abonnement er slått av".to_string();
    let reason = about
        .status_reason
        .as_deref()
        .unwrap_or("Mottakeren svarte at adressen ikke finnes lenger.");
    let manage = format!("{}/subscriptions/{}", base.as_str(), about.id);
    let lines = [
        format!("Verktøyregisteret har slått av webhooken til {url}."),
        reason.to_string(),
        "Hendelser som kommer mens den er av, blir tatt vare på og sendt når dere gjenopptar abonnementet.".to_string(),
    ];
    let (text_footer, html_footer) = footer(recipient, base);
    let mut text = lines.join("\n");
    let _ = write!(
        text,
        "\nAbonnementet som er slått av: {manage}\n\n{text_footer}"
    );
    let mut html = format!("<h1>{}</h1>\n", escape(&subject));
    for line in &lines {
        let _ = writeln!(html, "<p>{}</p>", escape(line));
    }
    let _ = writeln!(
        html,
        "<p><a href=\"{}\">Abonnementet som er slått av</a></p>",
        escape(&manage)
    );
    html.push_str(&html_footer);
    Letter {
        html: html_document(&subject, &html),
        subject,
        text,
    }
}

#[cfg(test)]
#[path = "letter_tests.rs"]
mod tests;
