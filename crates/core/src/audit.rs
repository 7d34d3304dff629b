//! The audit trail: each entry carries the hash of the one before it, so an
//! edit anywhere breaks the chain from that point on.

use crate::verdict::hex;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash the first entry links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub sequence: i64,
    pub time: DateTime<Utc>,
    pub actor_sub: String,
    pub actor_org: Option<String>,
    pub action: String,
    pub target: String,
    pub request_id: Option<String>,
    pub state_sha256: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// Hash of an entry's fields and the previous hash. Fields are joined with a
/// separator that cannot occur in them unescaped (length-prefixing), so two
/// different entries cannot produce the same input.
pub fn entry_hash(e: &AuditEntry) -> String {
    let time = e.time.to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields = [
        e.sequence.to_string(),
        time,
        e.actor_sub.clone(),
        e.actor_org.clone().unwrap_or_default(),
        e.action.clone(),
        e.target.clone(),
        e.request_id.clone().unwrap_or_default(),
        e.state_sha256.clone(),
        e.prev_hash.clone(),
    ];
    let mut h = Sha256::new();
    for f in &fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex(&h.finalize())
}

/// Checks a chain entry by entry, so a caller can stream it in batches.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            prev: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    /// Whether `e` links to the entry before it and its own hash is right.
    pub fn accept(&mut self, e: &AuditEntry) -> bool {
        let ok = e.prev_hash == self.prev && entry_hash(e) == e.entry_hash;
        self.prev = e.entry_hash.clone();
        ok
    }
}

/// The sequence number of the first entry whose link or own hash is wrong.
pub fn first_broken(entries: &[AuditEntry]) -> Option<i64> {
    let mut verifier = ChainVerifier::default();
    entries
        .iter()
        .find(|e| !verifier.accept(e))
        .map(|e| e.sequence)
}

/// SHA-256 of a state's JSON, hex encoded. Every writer and `audit verify`
/// hash the value itself (`serde_json::to_vec`), never a `Value` built from
/// it, so the bytes do not depend on how `Value` orders keys, and no
/// intermediate tree is built.
pub fn state_hash<T: Serialize + ?Sized>(state: &T) -> String {
    hex(&Sha256::digest(
        serde_json::to_vec(state).unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|i| {
                let mut e = AuditEntry {
                    sequence: i,
                    time: DateTime::<Utc>::UNIX_EPOCH,
                    actor_sub: "reviewer-1".into(),
                    actor_org: Some("974760673".into()),
                    action: "assessment.publish".into(),
                    target: format!("assessments/{i}"),
                    request_id: None,
                    state_sha256: state_hash(&serde_json::json!({"i": i})),
                    prev_hash: prev.clone(),
                    entry_hash: String::new(),
                };
                e.entry_hash = entry_hash(&e);
                prev = e.entry_hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn intact_chain_verifies_and_edit_is_named() {
        let mut c = chain(5);
        assert_eq!(first_broken(&c), None);
        c[2].action = "assessment.withdraw".into();
        assert_eq!(first_broken(&c), Some(3));
    }

    #[test]
    fn rehashing_an_edited_entry_still_breaks_the_next_link() {
        let mut c = chain(4);
        c[1].target = "assessments/other".into();
        c[1].entry_hash = entry_hash(&c[1]);
        assert_eq!(first_broken(&c), Some(3));
    }
}
