//! One file per subcommand; `run` dispatches.

pub mod audit;
pub mod check_config;
pub mod export_openapi;
pub mod migrate;
pub mod reindex;
pub mod seed;
pub mod serve;
pub mod token;

use crate::cli::{AuditCommand, Command};
use crate::config::Config;
use crate::database::{self, StartError};

/// Create the data directory, if it is new, as the owner's alone (0700):
/// it holds the database, the token secret and the audit signing key.
fn create_private_dir(dir: &std::path::Path) -> Result<(), StartError> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|source| StartError::Write {
        path: dir.display().to_string(),
        source,
    })
}

pub fn run(
    command: Command,
    config: &Config,
    config_file: Option<&std::path::Path>,
) -> Result<(), StartError> {
    if !matches!(command, Command::ExportOpenapi { .. }) {
        create_private_dir(&config.data_dir)?;
    }
    match command {
        Command::Serve => {
            let pool = database::open(config)?;
            database::seed_if_empty(config, &pool)?;
            actix_web::rt::System::new().block_on(serve::run(config, pool))
        }
        Command::Migrate => migrate::run(config),
        Command::Reindex => reindex::run(config),
        Command::Seed { dir } => seed::run(config, dir.as_deref()),
        Command::Token {
            roles,
            org,
            sub,
            ttl,
        } => token::run(
            config,
            &token::TokenRequest {
                roles: &roles,
                org: org.as_deref(),
                sub: &sub,
                ttl,
            },
        ),
        Command::Audit {
            command:
                AuditCommand::Verify {
                    checkpoints,
                    public_key,
                },
        } => audit::verify(config, checkpoints.as_deref(), public_key.as_deref()),
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => audit::checkpoint(config),
        Command::ExportOpenapi { out } => export_openapi::run(&out),
        Command::CheckConfig => check_config::run(config, config_file),
    }
}
