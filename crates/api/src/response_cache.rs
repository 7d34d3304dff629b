//! A cache of rendered JSON responses for the hottest reads (a tool, a page
//! of tools). An entry is valid only for the store generation it was built
//! at; checking that is one primary-key read, against three queries, JSON
//! encoding and hashing to rebuild it. Correct across processes and
//! replicas because the generation lives in the database.

use actix_web::web::Bytes;
use std::collections::HashMap;
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

pub struct ResponseCache {
    entries: RwLock<HashMap<String, Cached>>,
    capacity: usize,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The entry for `key` if it was built at `generation`.
    pub fn get(&self, key: &str, generation: i64) -> Option<Cached> {
        let entries = self.entries.read().ok()?;
        entries
            .get(key)
            .filter(|c| c.generation == generation)
            .cloned()
    }

    pub fn put(&self, key: String, value: Cached) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= self.capacity && !entries.contains_key(&key) {
                // Entries from older generations are dead weight; drop them
                // first, and everything if the cache is full of live ones.
                entries.retain(|_, c| c.generation == value.generation);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, value);
        }
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
            .field("capacity", &self.capacity)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(generation: i64) -> Cached {
        Cached {
            generation,
            body: Bytes::from_static(b"{}"),
            etag: "\"x\"".into(),
            next_cursor: None,
        }
    }

    #[test]
    fn entries_are_valid_only_for_their_generation() {
        let c = ResponseCache::new(10);
        c.put("/a".into(), entry(1));
        assert!(c.get("/a", 1).is_some());
        assert!(c.get("/a", 2).is_none());
        assert!(c.get("/b", 1).is_none());
    }

    #[test]
    fn stays_within_capacity() {
        let c = ResponseCache::new(2);
        c.put("/a".into(), entry(1));
        c.put("/b".into(), entry(2));
        c.put("/c".into(), entry(2));
        assert!(c.get("/a", 1).is_none(), "old generation evicted first");
        assert!(c.get("/b", 2).is_some() && c.get("/c", 2).is_some());
        c.put("/d".into(), entry(2));
        assert!(c.get("/d", 2).is_some());
        assert!(c.entries.read().map(|e| e.len()).unwrap_or(0) <= 2);
    }
}
