//! ISO 3166-1 alpha-2 country codes and the EEA, which decides whether a
//! transfer goes to a third country (GDPR chapter V).

/// All officially assigned ISO 3166-1 alpha-2 codes, sorted for binary search.
const ISO_3166_1_ALPHA2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// EU member states plus Iceland, Liechtenstein and Norway.
const EEA: [&str; 30] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» er ikke en landkode etter ISO 3166-1 alpha-2 (for eksempel NO, SE, US)")]
pub struct CountryCodeError(pub String);

/// A validated, upper-case ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, CountryCodeError> {
        let upper = input.trim().to_ascii_uppercase();
        if ISO_3166_1_ALPHA2.binary_search(&upper.as_str()).is_ok() {
            Ok(Self(upper))
        } else {
            Err(CountryCodeError(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Inside the EEA, where GDPR applies directly and no transfer tool is needed.
    pub fn is_eea(&self) -> bool {
        EEA.binary_search(&self.0.as_str()).is_ok()
    }

    /// A third country in the sense of GDPR chapter V.
    pub fn is_third_country(&self) -> bool {
        !self.is_eea()
    }
}

crate::parsed_text!(CountryCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(ISO_3166_1_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(EEA.windows(2).all(|w| w[0] < w[1]));
        assert!(EEA.iter().all(|c| ISO_3166_1_ALPHA2.contains(c)));
    }

    #[test]
    fn parses_and_normalises_case() {
        assert_eq!(
            CountryCode::parse("no").map(|c| c.to_string()),
            Ok("NO".to_string())
        );
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("NOR").is_err());
        assert!(CountryCode::parse("").is_err());
    }

    #[test]
    fn eea_membership_decides_third_country() {
        let parse = |c| CountryCode::parse(c).map_err(|e| e.to_string());
        assert_eq!(parse("NO").map(|c| c.is_third_country()), Ok(false));
        assert_eq!(parse("IE").map(|c| c.is_third_country()), Ok(false));
        assert_eq!(parse("US").map(|c| c.is_third_country()), Ok(true));
        // The UK left the EEA; it has an adequacy decision but is a third country.
        assert_eq!(parse("GB").map(|c| c.is_third_country()), Ok(true));
        assert_eq!(parse("CH").map(|c| c.is_third_country()), Ok(true));
    }
}
