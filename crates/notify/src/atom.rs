//! Atom 1.0 feeds (RFC 4287) of events, for people with a feed reader:
//! Norwegian titles, one entry per event, links to the tool in the API.

use crate::describe::{detail, headline};
use crate::markup::escape;
use chrono::{DateTime, Utc};
use std::fmt::Write;
use toolreg_core::event::Event;

/// A feed to write: where it lives, what it is called, its events (newest
/// first) with the names of their tools where known.
pub struct Feed<'a> {
    /// The feed's own absolute URL (its id and `rel="self"`).
    pub url: &'a str,
    pub title: &'a str,
    /// The API's absolute base, e.g. `https://toolreg.example/api/v1`.
    pub api_base: &'a str,
    pub entries: &'a [(Event, Option<String>)],
    /// When the feed changed, for a feed without entries.
    pub empty_updated: DateTime<Utc>,
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The feed as XML.
pub fn render(feed: &Feed<'_>) -> String {
    let updated = feed
        .entries
        .first()
        .map_or(feed.empty_updated, |(e, _)| e.time);
    let mut xml = String::new();
    // `write!` to a String cannot fail.
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"nb\">\n\
         <id>{url}</id>\n<title>{title}</title>\n<updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{url}\"/>\n\
         <author><name>Verktøyregisteret</name></author>\n\
         <generator>toolreg</generator>\n",
        url = escape(feed.url),
        title = escape(feed.title),
        updated = time(updated),
    );
    for (event, name) in feed.entries {
        let link = format!("{}/{}", feed.api_base, event.subject);
        let _ = write!(
            xml,
            "<entry>\n<id>urn:uuid:{id}</id>\n<title>{title}</title>\n<updated>{updated}</updated>\n\
             <link rel=\"alternate\" href=\"{link}\"/>\n\
             <category term=\"{kind}\"/>\n<category term=\"{severity}\"/>\n\
             <summary type=\"text\">{summary}</summary>\n</entry>\n",
            id = event.id,
            title = escape(&headline(event, name.as_deref())),
            updated = time(event.time),
            link = escape(&link),
            kind = event.event_type,
            severity = event.severity,
            summary = escape(&detail(event)),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use toolreg_core::event::{EventType, Severity};

    #[test]
    fn escapes_what_a_name_may_hold() {
        let e = Event {
            id: uuid::Uuid::nil(),
            sequence: 1,
            event_type: EventType::ToolCreated,
            severity: Severity::Info,
            subject: "tools/x".into(),
            time: DateTime::<Utc>::UNIX_EPOCH,
            data: json!({}),
            private_to: None,
        };
        let entries = [(e, Some("Tom & Jerry <Quiz>\u{1}".to_string()))];
        let xml = render(&Feed {
            url: "https://toolreg.example/feeds/all.atom",
            title: "Alle endringer",
            api_base: "https://toolreg.example/api/v1",
            entries: &entries,
            empty_updated: DateTime::<Utc>::UNIX_EPOCH,
        });
        assert!(
            xml.contains("<title>Nytt verktøy i registeret: Tom &amp; Jerry &lt;Quiz&gt;</title>"),
            "{xml}"
        );
        assert!(xml.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(xml.contains("href=\"https://toolreg.example/api/v1/tools/x\""));
    }
}
