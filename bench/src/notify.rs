//! Notification benchmark: one event fanned out to N webhook subscriptions
//! (default 10,000), all pointing at a local receiver, delivered by the
//! same worker the server runs (toolreg-notify: fan-out, claim with a
//! lease, signed concurrent sends through the SSRF-guarded client, one
//! transaction recording each batch). Measures the time from the event's
//! commit until the last delivery arrives, and deliveries per second;
//! then the ceiling: the same number of signed POSTs sent by the same
//! client to the same receiver at the same concurrency, with no database.
//! Prints one JSON line.
//!
//!   notify-bench --subscriptions 10000 --backend sqlite|postgres

use clap::Parser;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use toolreg_core::event::Severity;
use toolreg_core::subscription::{Channel, SubscriptionInput, SubscriptionScope};
use toolreg_notify::payload::ApiBase;
use toolreg_notify::signing::SigningSecret;
use toolreg_notify::target::{system_lookup, TargetPolicy};
use toolreg_notify::webhook::{Sent, Timeouts, WebhookSender};
use toolreg_notify::worker::{DeliveryWorker, WorkerConfig};
use toolreg_store::test_fixtures::{tool, vendor};
use toolreg_store::test_support::TestDb;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 10_000)]
    subscriptions: usize,
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// Deliveries claimed and sent at once (the server's default).
    #[arg(long, default_value_t = WorkerConfig::default().batch)]
    batch: i64,
}

/// A webhook receiver that keeps connections alive and counts requests.
struct Sink {
    port: u16,
    received: Arc<AtomicUsize>,
}

async fn sink() -> Sink {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                loop {
                    let mut length = 0usize;
                    let mut line = String::new();
                    let mut first = true;
                    loop {
                        line.clear();
                        match reader.read_line(&mut line).await {
                            Ok(0) | Err(_) => return,
                            Ok(_) => {}
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if !first {
                            if let Some((k, v)) = line.split_once(':') {
                                if k.eq_ignore_ascii_case("content-length") {
                                    length = v.trim().parse().unwrap_or(0);
                                }
                            }
                        }
                        first = false;
                    }
                    let mut body = vec![0u8; length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                    if write
                        .write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Sink { port, received }
}

const OPEN: TargetPolicy = TargetPolicy {
    allow_http: true,
    allow_private: true,
};

fn sender() -> WebhookSender {
    WebhookSender::new(OPEN, system_lookup(), Timeouts::default()).expect("client")
}

async fn wait_for(count: &AtomicUsize, n: usize, limit: Duration) -> Option<Instant> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if count.load(Ordering::Relaxed) >= n {
            return Some(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    None
}

fn main() {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    let n = args.subscriptions;
    let db = match args.backend.as_str() {
        "postgres" => TestDb::postgres().expect("TOOLREG_TEST_POSTGRES_URL"),
        _ => TestDb::sqlite(),
    };
    let pool = db.pool();
    let target = sink().await;
    let url = format!("http://127.0.0.1:{}/hook", target.port);

    // N subscriptions of one organisation, each with its own secret.
    let org = {
        let mut conn = pool.get().expect("connection");
        let org = vendor(&mut conn, "Benchmark kommune");
        let input = SubscriptionInput {
            scope: SubscriptionScope::All {},
            event_types: vec![],
            min_severity: Severity::Info,
            channel: Channel::Webhook { url: url.clone() },
        };
        let now = toolreg_store::time::now();
        toolreg_store::write_transaction(&mut conn, |conn| {
            for _ in 0..n {
                let secret = SigningSecret::generate().expect("secret").expose();
                toolreg_store::tables::subscription::insert(
                    conn,
                    Uuid::now_v7(),
                    toolreg_store::tables::subscription::Subscriber::municipality(org),
                    &input,
                    Some(&secret),
                    now,
                )?;
            }
            Ok::<_, toolreg_store::StoreError>(())
        })
        .expect("subscriptions");
        toolreg_store::ops::fanout::step(&mut conn, now, 100).expect("consumer at the end");
        org
    };

    // The event, then the worker until the last delivery arrives.
    let worker = DeliveryWorker::new(
        pool.clone(),
        sender(),
        ApiBase::new("https://toolreg.bench"),
        WorkerConfig {
            batch: args.batch,
            ..WorkerConfig::default()
        },
    );
    let worker = Arc::new(worker);
    tool(&mut pool.get().expect("connection"), "benchmark-tool", org);
    let started = Instant::now();
    let running = Arc::clone(&worker);
    let rounds = tokio::spawn(async move {
        let mut rounds = 0u32;
        loop {
            match running.run_once().await {
                Ok(r) if r.attempted == 0 && r.fanned.deliveries == 0 && rounds > 0 => {
                    tokio::time::sleep(Duration::from_millis(5)).await
                }
                Ok(_) => rounds += 1,
                Err(e) => panic!("round failed: {e}"),
            }
        }
    });
    let last = wait_for(&target.received, n, Duration::from_secs(300))
        .await
        .expect("every delivery arrives within 5 minutes");
    let seconds = (last - started).as_secs_f64();
    // Then until the worker has recorded them all.
    let mut conn = pool.get().expect("connection");
    let recorded_by = Instant::now() + Duration::from_secs(30);
    let counts = loop {
        let counts = toolreg_store::tables::delivery::count_by_status(&mut conn).expect("counts");
        let delivered = counts
            .iter()
            .find(|(s, _)| *s == toolreg_core::delivery::DeliveryStatus::Delivered)
            .map_or(0, |(_, c)| *c);
        if delivered as usize >= n || Instant::now() > recorded_by {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let seconds_recorded = started.elapsed().as_secs_f64();
    rounds.abort();
    drop(conn);

    // The ceiling: the same signed POSTs, no database, same concurrency.
    let ceiling_sink = sink().await;
    let ceiling_url = format!("http://127.0.0.1:{}/hook", ceiling_sink.port);
    let client = Arc::new(sender());
    let secret = Arc::new(SigningSecret::generate().expect("secret"));
    let body = Arc::new(vec![b'x'; 1200]);
    let ceiling_started = Instant::now();
    let mut sent = 0usize;
    while sent < n {
        let mut batch = tokio::task::JoinSet::new();
        for _ in 0..(args.batch as usize).min(n - sent) {
            let (client, secret, body, url) = (
                Arc::clone(&client),
                Arc::clone(&secret),
                Arc::clone(&body),
                ceiling_url.clone(),
            );
            batch.spawn(async move {
                let id = format!("msg_{}", Uuid::now_v7().simple());
                client
                    .send(
                        &url,
                        &id,
                        body.to_vec(),
                        &[&secret],
                        toolreg_store::time::now(),
                    )
                    .await
            });
            sent += 1;
        }
        while let Some(r) = batch.join_next().await {
            assert!(matches!(r, Ok(Sent::Delivered { .. })), "{r:?}");
        }
    }
    let ceiling_seconds = ceiling_started.elapsed().as_secs_f64();

    let per_sec = n as f64 / seconds;
    let ceiling_per_sec = n as f64 / ceiling_seconds;
    println!(
        "{}",
        serde_json::json!({
            "backend": db.name(),
            "subscriptions": n,
            "batch": args.batch,
            "seconds_to_last": seconds,
            "seconds_to_recorded": seconds_recorded,
            "deliveries_per_sec": per_sec,
            "ceiling_per_sec": ceiling_per_sec,
            "ratio": per_sec / ceiling_per_sec,
            "received": target.received.load(Ordering::Relaxed),
            "statuses": counts.iter().map(|(s, c)| (s.as_str().to_string(), *c)).collect::<std::collections::BTreeMap<_, _>>(),
        })
    );
}
