//! Opening the database and bringing it up to date, shared by every command.

use crate::config::Config;
use crate::sample_data;
use toolreg_store::seed::{self, SeedFiles, SeedReport, SeedSet};
use toolreg_store::{build_pool, migrate, Backend, DbPool};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] toolreg_store::StoreError),
    #[error("eksempeldata: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("kan ikke starte HTTP-tjenesten på {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("HTTP-tjenesten stoppet med feil: {0}")]
    Serve(std::io::Error),
    #[error("nøkkel for tokens: {0}")]
    Secret(#[from] toolreg_auth::secret::SecretError),
    #[error("revisjonssporet har {0} problem(er); se over")]
    AuditProblems(usize),
    #[error("sjekkpunktfilen {path}: {reason}")]
    Checkpoints { path: String, reason: String },
    #[error("søkeindeksen: {0}")]
    Search(#[from] toolreg_search::SearchError),
    #[error("kan ikke starte indekseringen: {0}")]
    Indexer(std::io::Error),
    #[error("kan ikke starte varslingene: {0}")]
    Notify(String),
    #[error("kan ikke åpne dokumentlageret: {0}")]
    Documents(String),
    #[error("kunne ikke lage token: {0}")]
    Token(String),
    #[error("kan ikke skrive {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Open the pool and apply migrations.
pub fn open(config: &Config) -> Result<DbPool, StartError> {
    let pool = build_pool(&config.database_url, config.pool_size)?;
    let mut conn = pool.get().map_err(toolreg_store::StoreError::from)?;
    let applied = migrate::run_pending(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, database = %config.database_url.redacted(), "migrations applied");
    }
    Ok(pool)
}

pub fn load_seed(pool: &DbPool, files: &SeedFiles) -> Result<SeedReport, StartError> {
    let set = SeedSet::parse(files)?;
    let mut conn = pool.get().map_err(toolreg_store::StoreError::from)?;
    Ok(seed::load(&mut conn, &set, toolreg_store::time::now())?)
}

/// On the embedded default, an empty database gets the sample data so the
/// first start shows something. PostgreSQL is never seeded implicitly.
pub fn seed_if_empty(config: &Config, pool: &DbPool) -> Result<(), StartError> {
    if !config.seed || config.database_url.backend() != Backend::Sqlite {
        return Ok(());
    }
    let mut conn = pool.get().map_err(toolreg_store::StoreError::from)?;
    let empty = toolreg_store::tables::tool::count(&mut conn)? == 0
        && toolreg_store::tables::organisation::list(
            &mut conn,
            None,
            &toolreg_store::PageRequest::first(1),
        )?
        .items
        .is_empty();
    drop(conn);
    if empty {
        let report = load_seed(pool, &sample_data::embedded())?;
        tracing::info!(
            tools = report.inserted.tools,
            organisations = report.inserted.organisations,
            assessments = report.inserted.assessments,
            verdicts = report.inserted.verdicts,
            inventory_entries = report.inventory_entries,
            "empty database: sample data loaded (illustrative, not official assessments; TOOLREG_SEED=false turns this off)"
        );
    }
    Ok(())
}
