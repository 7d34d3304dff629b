//! A cache of rendered JSON responses for the hottest reads (a tool, a page
//! of tools). An entry is valid only for the store generation it was built
//! at; checking that is one primary-key read, against three queries, JSON
//! encoding and hashing to rebuild it. Correct across processes and
//! replicas because the generation lives in the database.

use actix_web::web::Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

#[derive(Clone)]
pub struct Cached {
    pub generation: i64,
    pub body: Bytes,
    pub etag: String,
    /// For lists: the cursor of the next page, kept so the `Link` header
    /// needs no second look at the body.
    pub next_cursor: Option<String>,
}

/// Bookkeeping per entry besides its bytes (map slot, strings' headers).
const ENTRY_OVERHEAD: usize = 128;

struct Slot {
    cached: Cached,
    /// The cache's clock when the entry was last read or written: the
    /// least recently used go first.
    last_used: AtomicU64,
    size: usize,
}

#[derive(Default)]
struct Entries {
    map: HashMap<String, Slot>,
    bytes: usize,
}

/// Rendered responses, bounded by bytes. When full, entries of older
/// generations go first, then the least recently used, down to nine tenths
/// of the budget in one pass — so reading more distinct resources than fit
/// degrades gradually (the coldest are rebuilt) instead of emptying the
/// whole cache at once.
pub struct ResponseCache {
    entries: RwLock<Entries>,
    budget: usize,
    clock: AtomicU64,
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes of responses.
    pub fn new(budget: usize) -> Self {
        Self {
            entries: RwLock::new(Entries::default()),
            budget,
            clock: AtomicU64::new(0),
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed)
    }

    /// The entry for `key` if it was built at `generation`. A hit takes
    /// only the read lock; its recency is an atomic store.
    pub fn get(&self, key: &str, generation: i64) -> Option<Cached> {
        let entries = self.entries.read().ok()?;
        let slot = entries
            .map
            .get(key)
            .filter(|s| s.cached.generation == generation)?;
        slot.last_used.store(self.tick(), Ordering::Relaxed);
        Some(slot.cached.clone())
    }

    pub fn put(&self, key: String, value: Cached) {
        let size = key.len()
            + value.body.len()
            + value.etag.len()
            + value.next_cursor.as_ref().map_or(0, String::len)
            + ENTRY_OVERHEAD;
        // One body bigger than an eighth of the budget would push out many
        // others for a single resource: it is served, not kept.
        if size > self.budget / 8 {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        let generation = value.generation;
        let slot = Slot {
            cached: value,
            last_used: AtomicU64::new(self.tick()),
            size,
        };
        if let Some(old) = entries.map.insert(key, slot) {
            entries.bytes -= old.size;
        }
        entries.bytes += size;
        if entries.bytes > self.budget {
            self.evict(&mut entries, generation);
        }
    }

    /// Make room: older generations first, then the least recently used
    /// down to nine tenths of the budget.
    fn evict(&self, entries: &mut Entries, generation: i64) {
        let before = entries.map.len();
        entries.map.retain(|_, s| s.cached.generation >= generation);
        if entries.map.len() != before {
            entries.bytes = entries.map.values().map(|s| s.size).sum();
        }
        if entries.bytes <= self.budget {
            return;
        }
        let target = self.budget / 10 * 9;
        let mut by_age: Vec<(u64, String, usize)> = entries
            .map
            .iter()
            .map(|(k, s)| (s.last_used.load(Ordering::Relaxed), k.clone(), s.size))
            .collect();
        by_age.sort_unstable_by_key(|(used, _, _)| *used);
        for (_, key, size) in by_age {
            if entries.bytes <= target {
                break;
            }
            entries.map.remove(&key);
            entries.bytes -= size;
        }
    }

    /// Entries and bytes held now.
    pub fn usage(&self) -> (usize, usize) {
        self.entries
            .read()
            .map(|e| (e.map.len(), e.bytes))
            .unwrap_or_default()
    }
}

/// Serve from the response cache when the store generation says it is
/// current; otherwise build, cache and serve.
pub async fn cached_json<T, F>(
    state: &actix_web::web::Data<crate::AppState>,
    key: String,
    next_cursor: fn(&T) -> Option<String>,
    build: F,
) -> Result<Cached, crate::Problem>
where
    T: serde::Serialize + 'static,
    F: FnOnce(&mut toolreg_store::DbConnection) -> Result<T, crate::Problem> + Send + 'static,
{
    cached_body(state, key, move |conn| {
        let value = build(conn)?;
        let body = serde_json::to_vec(&value).map_err(|_| crate::Problem::internal())?;
        Ok((body, next_cursor(&value)))
    })
    .await
}

/// The same for any rendered body (a web page): `build` gives its bytes
/// and, for a list, the cursor of the next page.
pub async fn cached_body<F>(
    state: &actix_web::web::Data<crate::AppState>,
    key: String,
    build: F,
) -> Result<Cached, crate::Problem>
where
    F: FnOnce(
            &mut toolreg_store::DbConnection,
        ) -> Result<(Vec<u8>, Option<String>), crate::Problem>
        + Send
        + 'static,
{
    let cache = state.cache.clone();
    // Bodies say whether a review date has passed, which changes with the
    // day and not with the store: the day is part of the key.
    let key = format!("{}|{key}", chrono::Utc::now().date_naive());
    crate::blocking::with_db(state, move |conn| {
        let generation = toolreg_store::tables::generation::current(conn)?;
        if let Some(hit) = cache.get(&key, generation) {
            return Ok(hit);
        }
        let (body, next_cursor) = build(conn)?;
        let fresh = Cached {
            generation,
            etag: crate::caching::etag_of_bytes(&body),
            body: body.into(),
            next_cursor,
        };
        cache.put(key, fresh.clone());
        Ok(fresh)
    })
    .await
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache")
            .field("budget", &self.budget)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(generation: i64) -> Cached {
        Cached {
            generation,
            body: Bytes::from(vec![b' '; 1000]),
            etag: "\"x\"".into(),
            next_cursor: None,
        }
    }

    /// What one test entry costs (a two-letter key).
    const ENTRY: usize = 2 + 1000 + 3 + ENTRY_OVERHEAD;

    #[test]
    fn entries_are_valid_only_for_their_generation() {
        let c = ResponseCache::new(100 * ENTRY);
        c.put("/a".into(), entry(1));
        assert!(c.get("/a", 1).is_some());
        assert!(c.get("/a", 2).is_none());
        assert!(c.get("/b", 1).is_none());
    }

    #[test]
    fn older_generations_go_first_then_the_least_recently_used() {
        let c = ResponseCache::new(10 * ENTRY);
        c.put("/o".into(), entry(1));
        for i in 0..9 {
            c.put(format!("/{i}"), entry(2));
        }
        // Reading /0 makes it the most recently used.
        assert!(c.get("/0", 2).is_some());
        c.put("/n".into(), entry(2));
        assert!(c.get("/o", 1).is_none(), "the old generation went first");
        assert_eq!(c.usage().0, 10);
        c.put("/m".into(), entry(2));
        // Over budget again: the least recently used go, down to 9/10.
        let (count, bytes) = c.usage();
        assert!(bytes <= 9 * ENTRY, "{bytes}");
        assert_eq!(count, 9);
        assert!(c.get("/0", 2).is_some(), "recently read, kept");
        assert!(c.get("/1", 2).is_none(), "least recently used, gone");
        assert!(c.get("/m", 2).is_some() && c.get("/n", 2).is_some());
    }

    #[test]
    fn reading_more_than_fits_never_empties_the_cache() {
        let c = ResponseCache::new(100 * ENTRY);
        for i in 0..1000 {
            c.put(format!("k{i:03}"), entry(3));
            let (_, bytes) = c.usage();
            assert!(bytes <= 100 * ENTRY, "within the budget");
        }
        let (count, _) = c.usage();
        assert!(count >= 80, "a full cache stays nearly full: {count}");
    }

    #[test]
    fn a_body_too_big_for_its_share_is_served_not_kept() {
        let c = ResponseCache::new(8 * ENTRY);
        let mut big = entry(1);
        big.body = Bytes::from(vec![b' '; 2 * ENTRY]);
        c.put("/big".into(), big);
        assert!(c.get("/big", 1).is_none());
        c.put("/a".into(), entry(1));
        assert!(c.get("/a", 1).is_some());
    }
}
