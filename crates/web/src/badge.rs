//! A verdict as a badge: a symbol and words, with colour only as an extra,
//! so the level is never told by colour alone (WCAG 1.4.1).

use crate::nb;
use toolreg_core::verdict::VerdictLevel;

#[derive(Debug, Clone)]
pub struct Badge {
    /// The CSS class (`badge-approved`, …).
    pub class: &'static str,
    pub symbol: &'static str,
    pub label: &'static str,
}

impl Badge {
    pub fn of(level: VerdictLevel) -> Self {
        Self {
            class: match level {
                VerdictLevel::Approved => "badge-approved",
                VerdictLevel::ApprovedWithConditions => "badge-conditions",
                VerdictLevel::NotRecommended => "badge-not-recommended",
                VerdictLevel::NotAssessed => "badge-not-assessed",
            },
            symbol: nb::verdict_symbol(level),
            label: level.label_nb(),
        }
    }
}

/// The badge's markup. Every part is a fixed string of this crate (no
/// data from a request or the store), so templates show it with `|safe`.
impl std::fmt::Display for Badge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            r#"<span class="badge {}"><span class="badge-symbol" aria-hidden="true">{}</span> {}</span>"#,
            self.class, self.symbol, self.label
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_says_the_level_in_words_and_symbol() {
        let b = Badge::of(VerdictLevel::NotRecommended).to_string();
        assert!(b.contains("Ikke anbefalt") && b.contains('✕'), "{b}");
    }
}
