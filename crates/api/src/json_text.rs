//! Control characters inside JSON strings. Raw ones are already a syntax
//! error; escaped ones (`\u0000`, `\b`) parse fine and would reach the
//! database, where PostgreSQL refuses NUL and SQLite stores it. One linear
//! pass over the bytes finds them; only when one is found is the document
//! walked again to say which field holds it.

use crate::request_guard::is_forbidden_char;
use serde_json::Value;

/// The JSON pointer of the first string (value or key) holding a control
/// character no field has a use for, or `None` when there is none.
pub fn forbidden_text(bytes: &[u8]) -> Option<String> {
    if !has_forbidden_char(bytes) {
        return None;
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => Some(pointer_to_forbidden(&v, String::new()).unwrap_or_default()),
        // Not JSON after all: the parser will say so with its own message.
        Err(_) => None,
    }
}

/// Any escaped control character other than `\t`, `\n`, `\r`, or a raw
/// DEL or C1 control (allowed by JSON, useless in our fields). Jumps from
/// one candidate byte to the next with `memchr`, so plain text costs
/// little.
fn has_forbidden_char(bytes: &[u8]) -> bool {
    let mut from = 0;
    while let Some(offset) = memchr::memchr3(b'\\', 0x7f, 0xc2, &bytes[from..]) {
        let i = from + offset;
        match bytes[i] {
            b'\\' => {
                match bytes.get(i + 1) {
                    Some(b'b' | b'f') => return true,
                    Some(b'u') => {
                        let code = bytes
                            .get(i + 2..i + 6)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .and_then(|h| u32::from_str_radix(h, 16).ok());
                        if code.and_then(char::from_u32).is_some_and(is_forbidden_char) {
                            return true;
                        }
                    }
                    _ => {}
                }
                // Skip the escaped character, so `\\u0000` (an escaped
                // backslash, then text) is not taken for an escape.
                from = i + 2;
            }
            0x7f => return true,
            // C1 controls U+0080–U+009F are 0xC2 0x80–0x9F in UTF-8.
            _ => {
                if bytes.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) {
                    return true;
                }
                from = i + 1;
            }
        }
        if from >= bytes.len() {
            break;
        }
    }
    false
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn pointer_to_forbidden(v: &Value, at: String) -> Option<String> {
    match v {
        Value::String(s) => s.chars().any(is_forbidden_char).then_some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| pointer_to_forbidden(item, format!("{at}/{i}"))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let here = format!("{at}/{}", escape(k));
            if k.chars().any(is_forbidden_char) {
                Some(here)
            } else {
                pointer_to_forbidden(item, here)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_controls_are_found_with_their_field() {
        assert_eq!(
            forbidden_text(br#"{"a":"ok","b":["x","ka\u0000hoot"]}"#).as_deref(),
            Some("/b/1")
        );
        assert_eq!(
            forbidden_text(br#"{"name":"bell\b"}"#).as_deref(),
            Some("/name")
        );
        assert_eq!(
            forbidden_text("{\"name\":\"c1\u{85}\"}".as_bytes()).as_deref(),
            Some("/name")
        );
    }

    #[test]
    fn line_breaks_tabs_and_escaped_backslashes_pass() {
        assert_eq!(
            forbidden_text(br#"{"text":"linje 1\nlinje 2\tog \\u0000 som tekst"}"#),
            None
        );
        assert_eq!(
            forbidden_text("{\"navn\":\"Ærlig østers på å\"}".as_bytes()),
            None
        );
    }
}
