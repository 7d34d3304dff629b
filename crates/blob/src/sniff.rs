//! What a file is, read from its bytes rather than from what the uploader
//! says: the formats a vendor's documents come in, recognised by their
//! signatures. Office Open XML and OpenDocument files are zip archives;
//! the part names inside (`word/`, `xl/`) or the OpenDocument `mimetype`
//! entry tell them apart. Anything else is refused.

/// The media types documents may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Png,
    Jpeg,
    Text,
}

impl MediaType {
    pub const ALL: [MediaType; 7] = [
        MediaType::Pdf,
        MediaType::Docx,
        MediaType::Xlsx,
        MediaType::Odt,
        MediaType::Png,
        MediaType::Jpeg,
        MediaType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::Odt => "application/vnd.oasis.opendocument.text",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Text => "text/plain",
        }
    }

    /// The type an uploader declared (parameters such as `charset` aside).
    pub fn parse(declared: &str) -> Option<Self> {
        let essence = declared.split(';').next().unwrap_or_default().trim();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(essence))
    }
}

/// How many leading bytes `sniff` needs at most.
pub const HEAD: usize = 8 * 1024;
/// How many trailing bytes it reads: a zip archive's central directory,
/// which names every part, sits at the end.
pub const TAIL: usize = 64 * 1024;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The type of a file from its first bytes (`head`, up to `HEAD`) and its
/// last bytes (`tail`, up to `TAIL`; the same bytes again for a small
/// file). None: not a format documents may have.
pub fn sniff(head: &[u8], tail: &[u8]) -> Option<MediaType> {
    if head.starts_with(b"%PDF-") {
        return Some(MediaType::Pdf);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(MediaType::Png);
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return Some(MediaType::Jpeg);
    }
    if head.starts_with(b"PK\x03\x04") {
        return zipped(head, tail);
    }
    is_text(head).then_some(MediaType::Text)
}

fn zipped(head: &[u8], tail: &[u8]) -> Option<MediaType> {
    // OpenDocument: an uncompressed first entry named `mimetype` holding
    // the type, at a fixed place (local header of 30 bytes, then the name).
    if head.get(30..38) == Some(b"mimetype") {
        let rest = head.get(38..).unwrap_or_default();
        return rest
            .starts_with(MediaType::Odt.as_str().as_bytes())
            .then_some(MediaType::Odt);
    }
    // Office Open XML: a content-types part, and the main part's folder.
    let named = |part: &[u8]| contains(head, part) || contains(tail, part);
    if !named(b"[Content_Types].xml") {
        return None;
    }
    if named(b"word/document.xml") {
        Some(MediaType::Docx)
    } else if named(b"xl/workbook.xml") {
        Some(MediaType::Xlsx)
    } else {
        None
    }
}

/// Plain text: UTF-8 with no control characters but tab and line breaks.
/// The head may end inside a character; that last one is not held against
/// it.
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => {
            // Cut off mid-character at the end of the head.
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.is_empty()
        && !valid
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend([0u8; 26]);
        for n in names {
            bytes.extend(n.as_bytes());
            bytes.extend([0u8; 10]);
        }
        bytes
    }

    #[test]
    fn signatures_are_recognised() {
        assert_eq!(sniff(b"%PDF-1.7\n", b""), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0", b""), Some(MediaType::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0", b""), Some(MediaType::Jpeg));
        assert_eq!(
            sniff("Personvernerklæring\nVersjon 2".as_bytes(), b""),
            Some(MediaType::Text)
        );
    }

    #[test]
    fn zip_archives_are_told_apart_by_their_parts() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff(&docx, &docx), Some(MediaType::Docx));
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff(&xlsx, &xlsx), Some(MediaType::Xlsx));
        // The parts named only in the central directory at the end.
        let head = zip_with(&["[Content_Types].xml"]);
        let tail = zip_with(&["word/document.xml", "[Content_Types].xml"]);
        assert_eq!(sniff(&head, &tail), Some(MediaType::Docx));
        let mut odt = zip_with(&[]);
        odt.truncate(30);
        odt.extend(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(sniff(&odt, &odt), Some(MediaType::Odt));
        // A zip that is none of them (an .exe in a zip, say).
        let other = zip_with(&["setup.exe"]);
        assert_eq!(sniff(&other, &other), None);
    }

    #[test]
    fn binaries_and_text_with_control_characters_are_refused() {
        assert_eq!(sniff(b"MZ\x90\0\x03\0", b""), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01", b""), None);
        assert_eq!(sniff(b"hei\0verden", b""), None);
        assert_eq!(sniff(b"\xC3\x28", b""), None, "invalid UTF-8");
        // Cut off inside "æ" at the end of the head: still text.
        assert_eq!(sniff(b"bl\xC3", b""), Some(MediaType::Text));
    }

    #[test]
    fn declared_types_are_read_without_parameters() {
        assert_eq!(
            MediaType::parse("text/plain; charset=utf-8"),
            Some(MediaType::Text)
        );
        assert_eq!(MediaType::parse("APPLICATION/PDF"), Some(MediaType::Pdf));
        assert_eq!(MediaType::parse("application/zip"), None);
    }
}
