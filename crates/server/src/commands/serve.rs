//! `toolreg serve` (the default): the HTTP service, the audit checkpoint
//! thread, the search indexer and the notification worker.

use crate::config::Config;
use crate::database::StartError;
use actix_web::{web, HttpServer};
use std::sync::Arc;
use std::time::Duration;
use toolreg_api::state::SearchState;
use toolreg_api::AppState;
use toolreg_search::indexer::Indexer;
use toolreg_store::DbPool;

/// Sign the head of the audit chain now and then every `interval`, on a
/// thread of its own (diesel is synchronous). A failure is logged and tried
/// again next time; it never stops the service.
fn spawn_checkpoints(
    pool: DbPool,
    signer: toolreg_core::checkpoint::CheckpointSigner,
    interval: Duration,
) {
    std::thread::Builder::new()
        .name("audit-checkpoints".into())
        .spawn(move || loop {
            let made = pool
                .get()
                .map_err(toolreg_store::StoreError::from)
                .and_then(|mut conn| {
                    toolreg_store::ops::checkpoint::make(
                        &mut conn,
                        &signer,
                        toolreg_store::time::now(),
                    )
                });
            match made {
                Ok(Some(c)) => tracing::info!(sequence = c.sequence, "audit checkpoint signed"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
            }
            std::thread::sleep(interval);
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the checkpoint thread"));
}

/// How often documents are checked for coming and past expiry.
const EXPIRY_CHECK: Duration = Duration::from_secs(3600);

/// Announce expiring documents now and then every hour, on a thread of its
/// own. Each notice is given once, whichever process gets to it first.
fn spawn_expiry_checks(pool: DbPool) {
    std::thread::Builder::new()
        .name("document-expiry".into())
        .spawn(move || loop {
            let ctx = toolreg_store::ChangeContext::new("toolreg-documents", None, None);
            let given = pool
                .get()
                .map_err(toolreg_store::StoreError::from)
                .and_then(|mut conn| {
                    toolreg_store::ops::document::announce_expiring(
                        &mut conn,
                        &ctx,
                        toolreg_store::time::now(),
                    )
                });
            match given {
                Ok(0) => {}
                Ok(n) => tracing::info!(notices = n, "document expiry announced"),
                Err(e) => tracing::warn!(error = %e, "document expiry check failed"),
            }
            std::thread::sleep(EXPIRY_CHECK);
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the expiry thread"));
}

/// How often the indexer looks for new events: well inside the promise that
/// a published verdict is searchable within a second.
const INDEXER_POLL: Duration = Duration::from_millis(200);

/// Open the search index and, unless this process only reads it, follow the
/// event log into it on a thread of its own. The first catch-up (a full
/// build on a new index) runs there too, so the service answers at once;
/// `/readyz` says when the index has caught up.
async fn start_search(config: &Config, pool: &DbPool) -> Result<SearchState, StartError> {
    let index = Arc::new(crate::search_setup::open_index(config).await?);
    let indexer = if config.search.follow {
        Some(
            Indexer::new(pool.clone(), Arc::clone(&index))
                .spawn(INDEXER_POLL)
                .map_err(StartError::Indexer)?,
        )
    } else {
        None
    };
    Ok(SearchState { index, indexer })
}

/// Fan events out to subscriptions and deliver them, on a thread of its own.
fn start_notifications(config: &Config, pool: &DbPool) -> Result<(), StartError> {
    use toolreg_notify::{payload::ApiBase, target, webhook, worker};
    let sender = webhook::WebhookSender::new(
        config.notify.targets,
        target::system_lookup(),
        webhook::Timeouts::default(),
    )
    .map_err(|e| StartError::Notify(e.to_string()))?;
    let mut worker = worker::DeliveryWorker::new(
        pool.clone(),
        sender,
        ApiBase::new(&config.notify.public_url),
        worker::WorkerConfig {
            lease: chrono::Duration::seconds(i64::from(config.notify.lease)),
            ..worker::WorkerConfig::default()
        },
    );
    if let Some(email) = &config.notify.email {
        let sender = toolreg_notify::email::EmailSender::new(&email.smtp_url, &email.from)
            .map_err(|e| StartError::Notify(e.to_string()))?;
        worker = worker.with_email(sender);
    }
    worker
        .spawn()
        .map_err(|e| StartError::Notify(e.to_string()))
}

/// Document bytes: files under the data directory beside SQLite, rows in
/// PostgreSQL (so every replica sees them).
fn document_store(config: &Config) -> Result<toolreg_blob::BlobStore, StartError> {
    match &config.database_url {
        toolreg_store::DatabaseUrl::Sqlite(_) => {
            toolreg_blob::BlobStore::file_system(config.data_dir.join("blobs"))
                .map_err(|e| StartError::Documents(e.to_string()))
        }
        toolreg_store::DatabaseUrl::Postgres(_) => Ok(toolreg_blob::BlobStore::database()),
    }
}

pub async fn run(config: &Config, pool: DbPool) -> Result<(), StartError> {
    let validator = crate::auth_setup::validator(config)?;
    let signer = crate::auth_setup::checkpoint_signer(config)?;
    let search = start_search(config, &pool).await?;
    let state = web::Data::new(
        AppState::new(
            pool.clone(),
            validator,
            config.auth.four_eyes,
            config.limits,
        )
        .with_audit_key(signer.public())
        .with_search(search)
        .with_webhook_targets(config.notify.targets)
        .with_public_url(&config.notify.public_url)
        .with_documents(document_store(config)?, config.document_max_bytes)
        .with_response_cache(config.response_cache_bytes)
        .with_server_timing(config.server_timing),
    );
    if config.notify.deliver {
        start_notifications(config, &pool)?;
        spawn_expiry_checks(pool.clone());
    }
    spawn_checkpoints(
        pool,
        signer,
        Duration::from_secs(config.audit.checkpoint_interval),
    );
    let bench_routes = config.bench_routes;
    let server = HttpServer::new(move || {
        toolreg_api::app::build(state.clone(), move |cfg| {
            toolreg_web::configure(cfg);
            if bench_routes {
                crate::bench_routes::configure(cfg);
            }
        })
    })
    .bind(config.bind)
    .map_err(|source| StartError::Bind {
        addr: config.bind.to_string(),
        source,
    })?;
    for addr in server.addrs() {
        // Printed on stdout, one line, so people and test harnesses see where
        // the service is (the port is chosen by the OS with port 0).
        println!("toolreg lytter på http://{addr}");
        tracing::info!(%addr, database = %config.database_url.redacted(), "toolreg started");
    }
    server.run().await.map_err(StartError::Serve)
}
