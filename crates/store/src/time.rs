//! Timestamps are stored as UTC without zone (portable `Timestamp`), at
//! microsecond precision because that is what PostgreSQL keeps: truncating in
//! the application makes a value read back equal to the value written.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.trunc_subsecs(6).naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
