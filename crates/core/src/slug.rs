//! Tool slugs: the readable key used in place of an id in paths
//! (`/tools/kahoot`), so they must be stable, lower-case and URL-safe.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("slug må ha mellom 2 og 80 tegn")]
    Length,
    #[error("slug kan bare inneholde a–z, 0–9 og bindestrek")]
    Characters,
    #[error("slug kan ikke begynne eller slutte med bindestrek, eller ha to etter hverandre")]
    Hyphens,
    #[error("slug kan ikke se ut som en UUID, siden den brukes i stedet for id i adresser")]
    LooksLikeUuid,
}

pub fn check_slug(slug: &str) -> Result<(), SlugError> {
    if !(2..=80).contains(&slug.len()) {
        return Err(SlugError::Length);
    }
    if !slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(SlugError::Characters);
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return Err(SlugError::Hyphens);
    }
    if uuid::Uuid::parse_str(slug).is_ok() {
        return Err(SlugError::LooksLikeUuid);
    }
    Ok(())
}

/// Suggest a slug from a display name: Norwegian letters are transliterated
/// the way Norwegians do it in URLs (æ → ae, ø → o, å → a).
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.to_lowercase().chars() {
        match ch {
            'a'..='z' | '0'..='9' => out.push(ch),
            'æ' => out.push_str("ae"),
            'ø' | 'ö' | 'ó' | 'ò' => out.push('o'),
            'å' | 'ä' | 'á' | 'à' => out.push('a'),
            'é' | 'è' | 'ê' => out.push('e'),
            'ü' | 'ú' => out.push('u'),
            _ => {
                if !out.ends_with('-') && !out.is_empty() {
                    out.push('-');
                }
            }
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_slugs() {
        assert_eq!(check_slug("kahoot"), Ok(()));
        assert_eq!(check_slug("google-workspace-for-education"), Ok(()));
        assert_eq!(check_slug("m365"), Ok(()));
    }

    #[test]
    fn rejects_bad_slugs_with_reason() {
        assert_eq!(check_slug("a"), Err(SlugError::Length));
        assert_eq!(check_slug("Kahoot"), Err(SlugError::Characters));
        assert_eq!(check_slug("book creator"), Err(SlugError::Characters));
        assert_eq!(check_slug("-kahoot"), Err(SlugError::Hyphens));
        assert_eq!(check_slug("a--b"), Err(SlugError::Hyphens));
        assert_eq!(
            check_slug("0190f3a4-1c2b-7d3e-8f40-123456789abc"),
            Err(SlugError::LooksLikeUuid)
        );
    }

    #[test]
    fn slugify_transliterates_norwegian() {
        assert_eq!(slugify("Visma Flyt Skole"), "visma-flyt-skole");
        assert_eq!(
            slugify("Læringsløp & Øving på nett!"),
            "laeringslop-oving-pa-nett"
        );
        assert_eq!(check_slug(&slugify("Minecraft: Education Edition")), Ok(()));
    }
}
