//! Counting what a piece of work asks of the database: how many statements
//! it ran and how long the database took with them. The API tallies every
//! request this way (and can say so in `Server-Timing`), and the tests use
//! it to hold each read to a fixed number of queries on both backends, so an
//! N+1 fails a test instead of a benchmark.

use crate::connection::DbConnection;
use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Queries run and the time they took, summed over every connection the
/// tally was attached to.
#[derive(Debug, Default)]
pub struct QueryTally {
    queries: AtomicU32,
    nanos: AtomicU64,
    prepared: AtomicU32,
}

impl QueryTally {
    pub fn queries(&self) -> u32 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Statements prepared and kept in the connection's statement cache
    /// (a statement that cannot be cached is prepared anew each time and
    /// never counted here).
    pub fn prepared(&self) -> u32 {
        self.prepared.load(Ordering::Relaxed)
    }

    /// Time spent inside the database driver (sending, waiting, reading).
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }

    fn record(&self, took: Duration) {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// The connection's instrumentation while a tally is attached.
struct Tallying {
    tally: Arc<QueryTally>,
    started: Option<Instant>,
}

impl Instrumentation for Tallying {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::CacheQuery { .. } => {
                self.tally.prepared.fetch_add(1, Ordering::Relaxed);
            }
            InstrumentationEvent::FinishQuery { .. } => {
                if let Some(start) = self.started.take() {
                    self.tally.record(start.elapsed());
                }
            }
            _ => {}
        }
    }
}

/// Run `work` on `conn` with every statement counted into `tally`; the
/// connection goes back to the pool without it.
pub fn tallied<T>(
    conn: &mut DbConnection,
    tally: Arc<QueryTally>,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> T {
    conn.set_instrumentation(Tallying {
        tally,
        started: None,
    });
    let out = work(conn);
    conn.set_instrumentation(None::<Tallying>);
    out
}

/// Count the statements `work` runs, for tests and benchmarks.
pub fn count_queries<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> T,
) -> (T, u32) {
    let tally = Arc::new(QueryTally::default());
    let out = tallied(conn, Arc::clone(&tally), work);
    (out, tally.queries())
}
