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
    /// Other writers held the database longer than the busy timeout (or
    /// PostgreSQL gave up on a deadlock or serialisation): trying again
    /// later will work, so this is 503 with `Retry-After`, never 500.
    #[error("databasen er opptatt")]
    Busy,
    #[error("migrering feilet: {0}")]
    Migration(String),
    /// A stored row does not match its own hash: it was changed after it
    /// was written, outside toolreg.
    #[error("lagret innhold stemmer ikke med sin hash ({what})")]
    Tampered { what: String },
    /// A stored row could not be decoded: a bug or a hand edit, never input.
    #[error("lagret data kunne ikke leses ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => StoreError::NotFound { what: "raden" },
            // The database's own text (constraint and table names) never
            // reaches a client: the field that clashed is named instead.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(match clashing_field(info.as_ref()) {
                    Some(field) => format!("verdien i feltet «{field}» er allerede i bruk"),
                    None => "en av verdiene er allerede i bruk".to_string(),
                })
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                StoreError::Conflict("refererer til noe som ikke finnes eller er i bruk".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => StoreError::Busy,
            Error::DatabaseError(_, ref info) if is_busy(info.as_ref()) => StoreError::Busy,
            other => StoreError::Database(other),
        }
    }
}

/// SQLITE_BUSY / SQLITE_LOCKED after the busy timeout, or a PostgreSQL
/// deadlock or lock timeout.
fn is_busy(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    let m = info.message();
    m.contains("database is locked")
        || m.contains("database table is locked")
        || m.contains("database is busy")
        || m.contains("deadlock detected")
        || m.contains("lock timeout")
}

/// Which input field a unique constraint guards, from PostgreSQL's
/// constraint name or SQLite's "UNIQUE constraint failed: table.column".
fn clashing_field(info: &dyn diesel::result::DatabaseErrorInformation) -> Option<&'static str> {
    const FIELDS: [(&str, &str); 4] = [
        ("slug", "slug"),
        ("org_number", "org_number"),
        ("version", "version"),
        ("revision", "revision"),
    ];
    let text = format!(
        "{} {}",
        info.constraint_name().unwrap_or_default(),
        info.message()
    );
    FIELDS
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map(|(_, field)| *field)
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
