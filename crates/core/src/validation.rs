//! Collecting validation problems with a JSON pointer to each bad field, so the
//! API edge can report all of them at once instead of the first one only.

use serde::Serialize;
use std::fmt;

/// One bad field: where it is (RFC 6901 JSON pointer) and what is wrong, in
/// Norwegian bokmål because people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

/// All problems found in one value. Empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Violations(pub Vec<Violation>);

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|v| format!("{}: {}", display_pointer(&v.pointer), v.message))
            .collect();
        write!(f, "{}", parts.join("; "))
    }
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "/"
    } else {
        pointer
    }
}

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single problem: a rule about one field that only a look at stored
    /// state can check (a reference that does not exist, a change not
    /// allowed).
    pub fn one(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let mut v = Self::new();
        v.push(pointer, message);
        v
    }

    pub fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Violation {
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    /// Turn the collection into a result: `Ok(())` when nothing was found.
    pub fn into_result(self) -> Result<(), Violations> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    /// Record the error of a fallible check at `pointer`, if any.
    pub fn check<T, E: fmt::Display>(&mut self, pointer: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(pointer, e.to_string());
                None
            }
        }
    }

    pub fn require_text(&mut self, pointer: &str, value: &str, max_chars: usize) {
        if value.trim().is_empty() {
            self.push(pointer, "må fylles ut");
        } else if value.chars().count() > max_chars {
            self.push(pointer, format!("kan være høyst {max_chars} tegn"));
        }
    }

    /// False (and a violation) when the text is longer than `max_chars`.
    pub fn limit_text(&mut self, pointer: &str, value: &str, max_chars: usize) -> bool {
        // A byte count at or below the cap cannot hold more characters.
        let within = value.len() <= max_chars || value.chars().count() <= max_chars;
        if !within {
            self.push(pointer, format!("kan være høyst {max_chars} tegn"));
        }
        within
    }

    /// False (and a violation) when a list has more than `max` entries;
    /// callers then skip looking at the entries, so a list of a million
    /// bad entries costs one check, not a million violations.
    pub fn limit_items(&mut self, pointer: &str, len: usize, max: usize) -> bool {
        let within = len <= max;
        if !within {
            self.push(pointer, format!("kan ha høyst {max} oppføringer"));
        }
        within
    }

    /// A capped list: its length first, then, only when within the cap,
    /// `each` entry at its own pointer.
    pub fn each_within<'a, T>(
        &mut self,
        pointer: &str,
        items: &'a [T],
        max: usize,
        mut each: impl FnMut(&mut Self, &str, &'a T),
    ) -> bool {
        let within = self.limit_items(pointer, items.len(), max);
        if within {
            for (i, item) in items.iter().enumerate() {
                each(self, &child(pointer, i), item);
            }
        }
        within
    }

    /// A capped list of distinct entries from a closed vocabulary.
    pub fn distinct_within<T: std::hash::Hash + Eq>(
        &mut self,
        pointer: &str,
        items: &[T],
        max: usize,
    ) {
        if self.limit_items(pointer, items.len(), max) {
            self.unique(pointer, items);
        }
    }

    /// Report entries that repeat an earlier one, in linear time.
    pub fn unique<T: std::hash::Hash + Eq>(&mut self, pointer: &str, items: &[T]) {
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if !seen.insert(item) {
                self.push(child(pointer, i), "verdien står der allerede");
            }
        }
    }
}

/// Build a child pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn child(pointer: &str, key: impl fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{pointer}/{key}")
}

/// Something that can check itself, reporting problems below `pointer`.
pub trait Validate {
    fn validate_at(&self, pointer: &str, out: &mut Violations);

    fn validate(&self) -> Result<(), Violations> {
        let mut out = Violations::new();
        self.validate_at("", &mut out);
        out.into_result()
    }
}

/// Validate an absolute http(s) URL with a host.
pub fn check_web_url(value: &str) -> Result<url::Url, &'static str> {
    let parsed = url::Url::parse(value).map_err(|_| "er ikke en gyldig URL")?;
    if parsed.scheme() != "https" && parsed.scheme() != "http" {
        return Err("må være en http- eller https-adresse");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("mangler vertsnavn");
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_pointer_escapes_rfc6901() {
        assert_eq!(child("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(child("", 3), "/3");
    }

    #[test]
    fn web_url_accepts_https_and_rejects_others() {
        assert!(check_web_url("https://kahoot.com/").is_ok());
        assert_eq!(
            check_web_url("ftp://x.no").err(),
            Some("må være en http- eller https-adresse")
        );
        assert_eq!(
            check_web_url("not a url").err(),
            Some("er ikke en gyldig URL")
        );
    }

    #[test]
    fn require_text_reports_empty_and_too_long() {
        let mut v = Violations::new();
        v.require_text("/name", "  ", 10);
        v.require_text("/title", "abcdefghijk", 10);
        v.require_text("/ok", "fine", 10);
        assert_eq!(v.len(), 2);
        assert_eq!(v.0[0].pointer, "/name");
        assert_eq!(v.0[1].message, "kan være høyst 10 tegn");
        assert_eq!(
            v.to_string(),
            "/name: må fylles ut; /title: kan være høyst 10 tegn"
        );
    }
}
