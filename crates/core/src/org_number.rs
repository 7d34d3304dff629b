//! Norwegian organisation numbers (organisasjonsnummer): nine digits, the last
//! a modulus-11 check digit with weights 3 2 7 6 5 4 3 2.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrgNumberError {
    #[error("organisasjonsnummer må ha nøyaktig 9 sifre")]
    Length,
    #[error("organisasjonsnummer kan bare inneholde sifre")]
    NotDigits,
    #[error("organisasjonsnummer kan ikke begynne med 0")]
    LeadingZero,
    #[error("kontrollsifferet i organisasjonsnummeret stemmer ikke")]
    CheckDigit,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgNumber(String);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

/// The check digit for the first eight digits, or `None` when the remainder
/// makes the number impossible (the register never issues those).
pub fn mod11_check_digit(first_eight: &[u32; 8]) -> Option<u32> {
    let sum: u32 = first_eight.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

impl OrgNumber {
    /// Parse, accepting spaces as people write them ("974 760 673").
    pub fn parse(input: &str) -> Result<Self, OrgNumberError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(OrgNumberError::NotDigits);
        }
        if compact.len() != 9 {
            return Err(OrgNumberError::Length);
        }
        let digits: Vec<u32> = compact.chars().filter_map(|c| c.to_digit(10)).collect();
        if digits[0] == 0 {
            return Err(OrgNumberError::LeadingZero);
        }
        let mut first = [0u32; 8];
        first.copy_from_slice(&digits[..8]);
        match mod11_check_digit(&first) {
            Some(check) if check == digits[8] => Ok(Self(compact)),
            _ => Err(OrgNumberError::CheckDigit),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrgNumber {
    type Err = OrgNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

crate::parsed_text!(OrgNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_numbers() {
        // Oslo kommune, Bergen kommune, Datatilsynet (public register entries).
        for n in ["974760673", "964338531", "974761467"] {
            assert!(OrgNumber::parse(n).is_ok(), "{n} should be valid");
        }
        assert_eq!(
            OrgNumber::parse("974 760 673").map(|o| o.to_string()),
            Ok("974760673".into())
        );
    }

    #[test]
    fn rejects_wrong_check_digit_length_and_letters() {
        assert_eq!(
            OrgNumber::parse("974760674"),
            Err(OrgNumberError::CheckDigit)
        );
        assert_eq!(OrgNumber::parse("97476067"), Err(OrgNumberError::Length));
        assert_eq!(
            OrgNumber::parse("97476067a"),
            Err(OrgNumberError::NotDigits)
        );
        assert_eq!(
            OrgNumber::parse("012345678"),
            Err(OrgNumberError::LeadingZero)
        );
    }

    #[test]
    fn check_digit_follows_weights_and_remainder_one_is_impossible() {
        // 1*3 + 5*2 = 13, 13 % 11 = 2, so the check digit is 11 - 2 = 9.
        assert_eq!(mod11_check_digit(&[1, 0, 0, 0, 0, 0, 0, 5]), Some(9));
        // 4*3 = 12, 12 % 11 = 1 gives 10: no number with this prefix exists.
        assert_eq!(mod11_check_digit(&[4, 0, 0, 0, 0, 0, 0, 0]), None);
        for last in 0..10 {
            let n = format!("40000000{last}");
            assert_eq!(OrgNumber::parse(&n), Err(OrgNumberError::CheckDigit));
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let ok: Result<OrgNumber, _> = serde_json::from_str("\"974760673\"");
        assert!(ok.is_ok());
        let bad: Result<OrgNumber, _> = serde_json::from_str("\"974760674\"");
        assert!(bad.is_err());
    }
}
