//! What can go wrong in the store, typed so the API edge can map each case
//! to the right problem response.

use toolreg_core::Violations;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} finnes ikke")]
    NotFound { what: &'static str },
    #[error("konflikt: {0}")]
    Conflict(String),
    /// The caller's precondition (`If-Match`) no longer holds.
    #[error("ressursen er endret siden den ble lest")]
    Stale,
    #[error("ugyldige data: {0}")]
    Invalid(Violations),
    #[error("ugyldig database-URL: {0}")]
    BadUrl(String),
    #[error("databasefeil: {0}")]
    Database(diesel::result::Error),
    #[error("kunne ikke koble til databasen: {0}")]
    Connection(String),
    #[error("migrering feilet: {0}")]
    Migration(String),
    /// A stored row could not be decoded: a bug or a hand edit, never input.
    #[error("lagret data kunne ikke leses ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound { what: "raden" },
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.message().to_string())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                StoreError::Conflict(format!(
                    "refererer til noe som ikke finnes: {}",
                    info.message()
                ))
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Connection(e.to_string())
    }
}

impl From<Violations> for StoreError {
    fn from(v: Violations) -> Self {
        StoreError::Invalid(v)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Decode a JSON column, naming the column in the error.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// Encode a value for a JSON column. Our own types always serialise.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// Decode a text column holding a closed vocabulary value.
pub fn parse_enum<T: std::str::FromStr>(what: &'static str, text: &str) -> StoreResult<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

pub fn parse_uuid(what: &'static str, text: &str) -> StoreResult<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}
