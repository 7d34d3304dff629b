//! The JSON body extractor: size limit (413), content type (415), and parse
//! errors that say *where* in the document the problem is, as a JSON
//! pointer, including unknown fields.

use crate::problem::Problem;
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use toolreg_core::Validate;

/// Bodies above this are refused with 413 before they are parsed.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct JsonBody<T>(pub T);

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

/// Norwegian text for the common serde messages; the original is kept in
/// parentheses because it names the expected type precisely.
fn explain(e: &serde_json::Error) -> String {
    let raw = e.to_string();
    let raw = raw.split(" at line ").next().unwrap_or(&raw).to_string();
    if raw.starts_with("unknown field") {
        format!("ukjent felt ({raw})")
    } else if raw.starts_with("missing field") {
        format!("påkrevd felt mangler ({raw})")
    } else if raw.starts_with("invalid type") {
        format!("feil type ({raw})")
    } else if raw.starts_with("unknown variant") {
        format!("ukjent verdi ({raw})")
    } else {
        raw
    }
}

/// Longest parser message passed on; serde quotes the offending key or
/// value, which a hostile client can make as long as the body.
const MAX_MESSAGE_CHARS: usize = 300;

fn shorten(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// Parse and validate a body, all before a database connection is taken:
/// exactly one JSON document, no control characters in its strings, the
/// type's fields, then its own rules (caps included), in linear time.
pub fn parse<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, Problem> {
    let value: T = parse_document(bytes)?;
    value.validate().map_err(Problem::validation)?;
    Ok(value)
}

fn parse_document<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if let Some(pointer) = crate::json_text::forbidden_text(bytes) {
        return Err(Problem::invalid_input(
            pointer,
            "teksten inneholder kontrolltegn som ikke hører hjemme i et felt",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Ok(v) => v,
        Err(e)
            if e.inner()
                .to_string()
                .starts_with("invalid type: floating point") =>
        {
            return parse_with_whole_floats(bytes);
        }
        Err(e) => return Err(field_problem(e)),
    };
    // One document: `{…} xyz` or two documents back to back are refused.
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

fn field_problem<E: std::fmt::Display + Into<serde_json::Error>>(
    e: serde_path_to_error::Error<E>,
) -> Problem {
    let pointer = pointer_of(e.path());
    let inner: serde_json::Error = e.into_inner().into();
    if inner.is_syntax() || inner.is_eof() {
        malformed(&inner)
    } else if inner
        .to_string()
        .starts_with(toolreg_core::caps::LIST_CAP_MESSAGE)
    {
        // A list over its cap, stopped mid-parse: the same answer the
        // validation of a parsed list would give.
        Problem::invalid_field(shorten(pointer), shorten(explain(&inner)))
    } else {
        Problem::invalid_input(shorten(pointer), shorten(explain(&inner)))
    }
}

/// JSON (and JSON Schema's `integer`) does not tell `3` from `3.0`; serde
/// does. Only when a body fails on that is it read again with such numbers
/// made whole, so the common path parses once.
fn parse_with_whole_floats<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    use serde_json::Value;
    fn whole(v: &mut Value) {
        match v {
            Value::Number(n) => {
                if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                    if n.is_f64() {
                        // Exact: |f| < 2^53, and the cast truncates nothing.
                        #[allow(clippy::cast_possible_truncation)]
                        let i = f as i64;
                        *v = Value::from(i);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(whole),
            Value::Object(map) => map.values_mut().for_each(whole),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| malformed(&e))?;
    whole(&mut value);
    serde_path_to_error::deserialize::<_, T>(value).map_err(field_problem)
}

fn malformed(e: &serde_json::Error) -> Problem {
    Problem::bad_request(
        "malformed-json",
        "Ugyldig JSON",
        shorten(format!("Forespørselen er ikke gyldig JSON: {e}")),
    )
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || m.ends_with("+json")
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for JsonBody<T> {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        let declared_too_big = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > BODY_LIMIT);
        Box::pin(async move {
            if declared_too_big {
                return Err(too_large());
            }
            if !json {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type",
                    "Feil innholdstype",
                )
                .detail("Send JSON med Content-Type: application/json."));
            }
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    Problem::bad_request(
                        "unreadable-body",
                        "Kunne ikke lese forespørselen",
                        e.to_string(),
                    )
                }
            })?;
            parse(&bytes).map(JsonBody)
        })
    }
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Forespørselen er for stor",
    )
    .detail(format!(
        "Innholdet kan være høyst {} KiB.",
        BODY_LIMIT / 1024
    ))
}

/// Limits for the raw body reader behind `JsonBody`.
pub fn payload_config() -> web::PayloadConfig {
    web::PayloadConfig::new(BODY_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        score: u8,
    }

    #[test]
    fn type_errors_point_at_the_field() {
        let err = parse_document::<Outer>(br#"{"items":[{"score":1},{"score":"high"}]}"#).err();
        let p = err.map(|p| (p.status, p.errors[0].pointer.clone()));
        assert_eq!(p, Some((400, "/items/1/score".to_string())));
    }

    #[test]
    fn unknown_fields_are_named() {
        let err = parse_document::<Outer>(br#"{"items":[],"colour":"red"}"#).err();
        let msg = err.map(|p| p.errors[0].message.clone()).unwrap_or_default();
        assert!(
            msg.starts_with("ukjent felt") && msg.contains("colour"),
            "{msg}"
        );
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let ok = parse_document::<Outer>(br#"{"items":[{"score":3.0},{"score":4}]}"#);
        assert!(ok.is_ok());
        let err = parse_document::<Outer>(br#"{"items":[{"score":3.5}]}"#).err();
        assert_eq!(
            err.map(|p| p.errors[0].pointer.clone()).as_deref(),
            Some("/items/0/score")
        );
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Capped {
        #[serde(deserialize_with = "toolreg_core::caps::at_most::<2, _, _>")]
        items: Vec<u8>,
    }

    #[test]
    fn a_list_over_its_cap_is_a_validation_problem_at_the_list() {
        let err = parse_document::<Capped>(br#"{"items":[1,2,3]}"#).err();
        assert_eq!(
            err.map(|p| (p.status, p.errors[0].pointer.clone())),
            Some((422, "/items".to_string()))
        );
    }

    #[test]
    fn trailing_data_is_refused() {
        for body in [&br#"{"items":[]} xyz"#[..], br#"{"items":[]}{"items":[]}"#] {
            let err = parse_document::<Outer>(body).err();
            assert_eq!(
                err.map(|p| p.problem_type),
                Some("https://toolreg.no/problems/malformed-json".to_string()),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(parse_document::<Outer>(b" {\"items\":[]} \n").is_ok());
    }

    #[test]
    fn huge_unknown_keys_are_not_echoed_whole() {
        let key = "k".repeat(100_000);
        let body = format!(r#"{{"items":[],"{key}":1}}"#);
        let err = parse_document::<Outer>(body.as_bytes()).err();
        let size = err.map(|p| serde_json::to_vec(&p).map(|b| b.len()).unwrap_or(0));
        assert!(size.is_some_and(|n| n < 2_000), "{size:?}");
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        let err = parse_document::<Outer>(br#"{"items":["#).err();
        assert_eq!(
            err.map(|p| p.problem_type),
            Some("https://toolreg.no/problems/malformed-json".to_string())
        );
    }
}
