//! Keeps an index in step with the store by following the event log: read
//! the events after the index's last applied sequence, re-read the tools
//! they name, apply them with the new sequence in one step. Nothing in a
//! request handler touches the index, so a crash between a commit and its
//! index update only delays it: the next catch-up (at start, or the next
//! poll) repairs it. Re-applying an event is harmless — documents are
//! re-read from the store, not derived from the event.

use crate::error::Result;
use crate::index::{IndexBatch, SearchIndex};
use crate::source;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use toolreg_core::event::{Event, EventReader, EventType};
use toolreg_store::tables::event;
use toolreg_store::DbPool;
use uuid::Uuid;

/// Events applied per step: bounds the tools re-read at once.
const EVENTS_PER_STEP: i64 = 500;

/// What a catch-up did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CatchUp {
    pub events_applied: u64,
    pub rebuilt: bool,
    pub last_sequence: i64,
}

/// What the following thread last saw, for `/readyz`.
#[derive(Debug, Default)]
pub struct IndexerStatus {
    last_sequence: AtomicI64,
    caught_up: AtomicBool,
    failing: AtomicBool,
}

impl IndexerStatus {
    /// The last sequence applied, once the first catch-up finished.
    pub fn caught_up_to(&self) -> Option<i64> {
        self.caught_up
            .load(Ordering::Acquire)
            .then(|| self.last_sequence.load(Ordering::Acquire))
    }

    /// Whether the last attempt to follow the log failed.
    pub fn failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }
}

/// Following never ends but by a panic; then `/readyz` must say the index
/// is failing rather than show its last good state forever.
struct FailingOnExit<'a>(&'a IndexerStatus);

impl Drop for FailingOnExit<'_> {
    fn drop(&mut self) {
        self.0.failing.store(true, Ordering::Release);
    }
}

pub struct Indexer<I> {
    pool: DbPool,
    index: Arc<I>,
}

impl<I: SearchIndex> Indexer<I> {
    pub fn new(pool: DbPool, index: Arc<I>) -> Self {
        Self { pool, index }
    }

    /// Apply every event not yet applied; build the index from the store
    /// when it was never built or a bulk load asks for it.
    pub async fn catch_up(&self) -> Result<CatchUp> {
        let mut done = CatchUp::default();
        loop {
            let Some(from) = self.index.last_sequence().await? else {
                done.last_sequence = self.rebuild(|_, _| {}).await?;
                done.rebuilt = true;
                continue;
            };
            done.last_sequence = from;
            let events = {
                let mut conn = self.pool.get().map_err(toolreg_store::StoreError::from)?;
                event::list_after(&mut conn, from, EVENTS_PER_STEP, EventReader::Everything)?
            };
            let Some(last) = events.last().map(|e| e.sequence) else {
                return Ok(done);
            };
            if events
                .iter()
                .any(|e| e.event_type == EventType::RegistryLoaded)
            {
                done.last_sequence = self.rebuild(|_, _| {}).await?;
                done.rebuilt = true;
                done.events_applied += events.len() as u64;
                continue;
            }
            let ids = tools_named(&events);
            let (upserts, deletes) = {
                let mut conn = self.pool.get().map_err(toolreg_store::StoreError::from)?;
                source::documents_for(&mut conn, &ids)?
            };
            self.index
                .apply(IndexBatch {
                    upserts,
                    deletes,
                    last_sequence: last,
                })
                .await?;
            done.events_applied += events.len() as u64;
            done.last_sequence = last;
        }
    }

    /// Rebuild from the store; returns the sequence the index is now at.
    /// The sequence is read before the tools, so an event committed while
    /// reading is applied again afterwards rather than missed.
    pub async fn rebuild(&self, progress: impl FnMut(u64, u64)) -> Result<i64> {
        let (sequence, documents) = {
            let mut conn = self.pool.get().map_err(toolreg_store::StoreError::from)?;
            let sequence = event::last_sequence(&mut conn)?;
            (sequence, source::all_documents(&mut conn, progress)?)
        };
        self.index.rebuild(documents, sequence).await?;
        Ok(sequence)
    }

    /// Follow the log on a thread of its own (with its own small runtime,
    /// so index commits never block request workers), polling every
    /// `poll`. Errors are logged and retried with a growing pause.
    pub fn spawn(self, poll: Duration) -> std::io::Result<Arc<IndexerStatus>>
    where
        I: 'static,
    {
        let status = Arc::new(IndexerStatus::default());
        let shared = Arc::clone(&status);
        // IO as well as time: the index's HTTP client (Meilisearch) may open
        // connections from this runtime.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("search-indexer".into())
            .spawn(move || {
                let _dies_loudly = FailingOnExit(&shared);
                runtime.block_on(self.follow(poll, &shared))
            })?;
        Ok(status)
    }

    async fn follow(self, poll: Duration, status: &IndexerStatus) {
        let mut pause = poll;
        loop {
            match self.catch_up().await {
                Ok(done) => {
                    if done.rebuilt || done.events_applied > 0 {
                        tracing::info!(
                            backend = self.index.backend(),
                            events = done.events_applied,
                            rebuilt = done.rebuilt,
                            sequence = done.last_sequence,
                            "search index caught up"
                        );
                    }
                    status
                        .last_sequence
                        .store(done.last_sequence, Ordering::Release);
                    status.caught_up.store(true, Ordering::Release);
                    status.failing.store(false, Ordering::Release);
                    pause = poll;
                }
                Err(e) => {
                    tracing::warn!(error = %e, backend = self.index.backend(), "search index could not follow the event log; retrying");
                    status.failing.store(true, Ordering::Release);
                    pause = (pause * 2).min(Duration::from_secs(30));
                }
            }
            tokio::time::sleep(pause).await;
        }
    }
}

/// The tools a batch of events is about (every event but a bulk load
/// names one tool as its subject).
fn tools_named(events: &[Event]) -> Vec<Uuid> {
    let ids: BTreeSet<Uuid> = events.iter().filter_map(Event::tool_id).collect();
    ids.into_iter().collect()
}
