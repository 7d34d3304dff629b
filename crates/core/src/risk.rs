//! Risk scoring as the DPIA template does it: score = likelihood × consequence
//! on 1–5 scales; low below 5, medium 5–11, high from 12.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub fn from_score(score: u8) -> Self {
        match score {
            0..=4 => Self::Low,
            5..=11 => Self::Medium,
            _ => Self::High,
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Low => "lav",
            Self::Medium => "middels",
            Self::High => "høy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("må være et heltall fra 1 til 5")]
pub struct ScaleError;

/// Check one 1–5 rating (likelihood or consequence).
pub fn check_scale(value: u8) -> Result<u8, ScaleError> {
    if (1..=5).contains(&value) {
        Ok(value)
    } else {
        Err(ScaleError)
    }
}

/// A computed risk: the score and the level it falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Risk {
    pub score: u8,
    pub level: RiskLevel,
}

impl Risk {
    pub fn of(likelihood: u8, consequence: u8) -> Self {
        let score = likelihood.saturating_mul(consequence);
        Self {
            score,
            level: RiskLevel::from_score(score),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_match_the_method() {
        assert_eq!(Risk::of(1, 4).level, RiskLevel::Low); // 4
        assert_eq!(Risk::of(1, 5).level, RiskLevel::Medium); // 5
        assert_eq!(Risk::of(2, 5).level, RiskLevel::Medium); // 10
        assert_eq!(Risk::of(3, 4).level, RiskLevel::High); // 12
        assert_eq!(
            Risk::of(5, 5),
            Risk {
                score: 25,
                level: RiskLevel::High
            }
        );
        assert_eq!(Risk::of(1, 1).score, 1);
        assert_eq!(Risk::of(4, 3).level, RiskLevel::High);
        assert_eq!(Risk::of(11, 1).level, RiskLevel::Medium);
    }

    #[test]
    fn scale_is_one_to_five() {
        assert_eq!(check_scale(0), Err(ScaleError));
        assert_eq!(check_scale(1), Ok(1));
        assert_eq!(check_scale(5), Ok(5));
        assert_eq!(check_scale(6), Err(ScaleError));
    }

    #[test]
    fn levels_order_by_severity() {
        assert!(RiskLevel::High > RiskLevel::Medium && RiskLevel::Medium > RiskLevel::Low);
        assert_eq!(RiskLevel::High.label_nb(), "høy");
    }
}
