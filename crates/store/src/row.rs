//! Helpers for mapping rows to domain values: JSON and text columns decode
//! with the column named in the error.

use crate::error::{StoreError, StoreResult};
use crate::time::from_db;
use chrono::NaiveDateTime;
use toolreg_core::assessment::Withdrawal;

/// Decode a JSON column, naming the column in the error.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// Encode a value for a JSON column.
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Our domain types have string keys and no custom serialisers that can
    // fail: an error here is a bug, not input.
    serde_json::to_string(value).expect("domain values serialise to JSON")
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

/// The withdrawal columns of an assessment, read by assessments and by
/// verdict versions (whose "in force" ends at it).
pub fn withdrawal_of(
    at: Option<NaiveDateTime>,
    by: Option<String>,
    reason: Option<String>,
) -> StoreResult<Option<Withdrawal>> {
    match (at, by, reason) {
        (None, _, _) => Ok(None),
        (Some(at), Some(by), Some(reason)) => Ok(Some(Withdrawal {
            at: from_db(at),
            by,
            reason,
        })),
        _ => Err(StoreError::Corrupt {
            what: "assessments.withdrawn_*",
            detail: "withdrawn_at without withdrawn_by and withdrawn_reason".into(),
        }),
    }
}
