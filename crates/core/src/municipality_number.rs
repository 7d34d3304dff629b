//! Municipality numbers (kommunenummer): four digits, the first two the
//! county. County parts run 01–56 across the reforms of 2020 and 2024.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MunicipalityNumberError {
    #[error("kommunenummer må ha nøyaktig 4 sifre")]
    Format,
    #[error("kommunenummeret har et fylkesnummer som ikke finnes (må være 01–56)")]
    County,
    #[error("kommunenummeret kan ikke slutte på 00")]
    Zero,
}

pub fn check_municipality_number(value: &str) -> Result<(), MunicipalityNumberError> {
    if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MunicipalityNumberError::Format);
    }
    let county: u32 = value[..2]
        .parse()
        .map_err(|_| MunicipalityNumberError::Format)?;
    if !(1..=56).contains(&county) {
        return Err(MunicipalityNumberError::County);
    }
    if &value[2..] == "00" {
        return Err(MunicipalityNumberError::Zero);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_municipalities() {
        for n in ["0301", "4601", "5001", "1103", "3301", "5501"] {
            assert_eq!(check_municipality_number(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(
            check_municipality_number("301"),
            Err(MunicipalityNumberError::Format)
        );
        assert_eq!(
            check_municipality_number("03a1"),
            Err(MunicipalityNumberError::Format)
        );
        assert_eq!(
            check_municipality_number("9901"),
            Err(MunicipalityNumberError::County)
        );
        assert_eq!(
            check_municipality_number("0001"),
            Err(MunicipalityNumberError::County)
        );
        assert_eq!(
            check_municipality_number("4600"),
            Err(MunicipalityNumberError::Zero)
        );
    }
}
