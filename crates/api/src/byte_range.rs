//! `Range: bytes=…` for document downloads (RFC 9110 §14): one range —
//! `a-b`, `a-` or the last `-n` bytes — is served as 206; a range wholly
//! outside the content is 416; anything else (several ranges, another
//! unit, nonsense) is ignored and the whole content served, as the RFC
//! allows.

use actix_web::http::header;
use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    Whole,
    /// Inclusive byte positions.
    Part {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

pub fn requested(req: &HttpRequest, len: u64) -> Requested {
    req.headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Requested::Whole, |v| parse(v, len))
}

pub fn parse(value: &str, len: u64) -> Requested {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Requested::Whole;
    };
    if spec.contains(',') {
        return Requested::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Requested::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (number(first), number(last), first.trim().is_empty()) {
        // The last n bytes.
        (None, Some(n), true) => {
            if n == 0 || len == 0 {
                Requested::Unsatisfiable
            } else {
                Requested::Part {
                    start: len.saturating_sub(n),
                    end: len - 1,
                }
            }
        }
        (Some(start), end, false) if last.trim().is_empty() || end.is_some() => {
            if start >= len {
                return Requested::Unsatisfiable;
            }
            let end = end.map_or(len - 1, |e| e.min(len - 1));
            if end < start {
                Requested::Whole
            } else {
                Requested::Part { start, end }
            }
        }
        _ => Requested::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_ranges_are_read_as_the_rfc_says() {
        assert_eq!(
            parse("bytes=0-9", 100),
            Requested::Part { start: 0, end: 9 }
        );
        assert_eq!(
            parse("bytes=90-", 100),
            Requested::Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse("bytes=-10", 100),
            Requested::Part { start: 90, end: 99 }
        );
        assert_eq!(
            parse("bytes=95-200", 100),
            Requested::Part { start: 95, end: 99 }
        );
        assert_eq!(
            parse("bytes=-500", 100),
            Requested::Part { start: 0, end: 99 }
        );
        assert_eq!(parse("bytes=100-", 100), Requested::Unsatisfiable);
        assert_eq!(parse("bytes=-0", 100), Requested::Unsatisfiable);
    }

    #[test]
    fn what_cannot_be_served_as_one_range_is_served_whole() {
        for v in [
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=9-2",
            "bytes=a-b",
            "bytes=",
            "bytes=-",
        ] {
            assert_eq!(parse(v, 100), Requested::Whole, "{v}");
        }
    }
}
