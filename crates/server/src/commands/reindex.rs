//! `toolreg reindex`: rebuild the search index from the store, with a
//! progress bar and a summary. Serve does this by itself when the index is
//! new or after a bulk load; this is for a damaged or doubted index, or a
//! new Meilisearch. On the embedded default the running service holds the
//! index, so stop it first (the error says so); Meilisearch is rebuilt
//! beside the live index and swapped in, so the service can keep running.

use crate::config::Config;
use crate::database::{self, StartError};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use std::time::Instant;
use toolreg_search::indexer::Indexer;
use toolreg_search::SearchIndex;

pub fn run(config: &Config) -> Result<(), StartError> {
    let pool = database::open(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StartError::Indexer)?;
    runtime.block_on(async {
        let started = Instant::now();
        let index = Arc::new(crate::search_setup::open_index(config).await?);
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} verktøy ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message("leser verktøyene");
        let sequence = Indexer::new(pool, Arc::clone(&index))
            .rebuild(|done, total| {
                bar.set_length(total);
                bar.set_position(done);
                if done == total {
                    bar.set_message("skriver indeksen");
                }
            })
            .await?;
        bar.finish_and_clear();
        let documents = index.document_count().await?;
        println!(
            "søkeindeksen ({}) er bygget på nytt: {documents} verktøy, til og med hendelse {sequence}, på {:.1} s",
            index.backend(),
            started.elapsed().as_secs_f64()
        );
        Ok(())
    })
}
