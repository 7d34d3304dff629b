//! toolreg-notify: tells subscribers what changed. The event log is the
//! source: a fan-out step turns each new event into one delivery per
//! matching subscription (in the store, in the same transaction as the
//! consumer's progress), and a worker sends the deliveries — webhooks signed
//! by the Standard Webhooks specification, to targets checked against
//! server-side request forgery, and e-mail by SMTP, one letter per event or
//! a daily or weekly digest grouped by tool — retrying with backoff until
//! they arrive or are given up as dead.

pub mod atom;
pub mod describe;
pub mod email;
pub mod letter;
pub mod markup;
pub mod payload;
pub mod retry;
pub mod signing;
pub mod target;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod webhook;
pub mod worker;
