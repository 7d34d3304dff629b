//! toolreg: the national registry of assessed learning tools.

mod audit_cmd;
mod auth_setup;
mod bench_routes;
mod cli;
mod config;
mod database;
mod logging;
mod sample_data;
mod serve;

use clap::Parser;
use cli::{AuditCommand, Cli, Command};
use config::Config;
use std::process::ExitCode;
use toolreg_store::seed::SeedFiles;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("toolreg: ugyldig konfigurasjon: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init(config.log_format, &config.log_filter);
    match run(cli.command.unwrap_or(Command::Serve), &config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "toolreg stopped");
            eprintln!("toolreg: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Create the data directory, if it is new, as the owner's alone (0700):
/// it holds the database, the token secret and the audit signing key.
fn create_private_dir(dir: &std::path::Path) -> Result<(), database::StartError> {
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
    builder
        .create(dir)
        .map_err(|source| database::StartError::Write {
            path: dir.display().to_string(),
            source,
        })
}

fn run(command: Command, config: &Config) -> Result<(), database::StartError> {
    if !matches!(command, Command::ExportOpenapi { .. }) {
        create_private_dir(&config.data_dir)?;
    }
    match command {
        Command::Serve => {
            let pool = database::open(config)?;
            database::seed_if_empty(config, &pool)?;
            actix_web::rt::System::new().block_on(serve::run(config, pool))
        }
        Command::Migrate => {
            database::open(config)?;
            println!(
                "migreringer er oppdatert ({})",
                config.database_url.redacted()
            );
            Ok(())
        }
        Command::Seed { dir } => {
            let pool = database::open(config)?;
            let files = match dir {
                Some(dir) => SeedFiles::read_dir(&dir)?,
                None => sample_data::embedded(),
            };
            let report = database::load_seed(&pool, &files)?;
            let i = report.inserted;
            println!(
                "lastet inn {} organisasjoner, {} verktøy, {} underdatabehandlerrevisjoner, {} vurderinger, {} versjoner; {} fantes fra før",
                i.organisations, i.tools, i.subprocessor_revisions, i.assessments, i.verdicts, report.skipped
            );
            Ok(())
        }
        Command::Token {
            roles,
            org,
            sub,
            ttl,
        } => {
            let roles = roles
                .iter()
                .map(|r| {
                    toolreg_auth::Role::parse(r).ok_or_else(|| {
                        database::StartError::Token(format!(
                            "ukjent rolle «{r}»; bruk admin, reviewer, vendor eller municipality"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if ttl > config.auth.max_lifetime {
                return Err(database::StartError::Token(format!(
                    "--ttl {ttl} er lengre enn TOOLREG_JWT_MAX_LIFETIME ({} sekunder); tjenesten ville avvist tokenet",
                    config.auth.max_lifetime
                )));
            }
            if config.auth.jwks_url.is_some() {
                return Err(database::StartError::Token(
                    "TOOLREG_JWKS_URL er satt: tokens utstedes da av identitetsleverandøren, ikke her".into(),
                ));
            }
            let secret = auth_setup::shared_secret(config)?;
            let token = toolreg_auth::mint::mint(
                &secret,
                &sub,
                org.as_deref(),
                &roles,
                ttl,
                &config.auth.issuer,
                &config.auth.audience,
            )
            .map_err(|e| database::StartError::Token(e.to_string()))?;
            println!("{token}");
            Ok(())
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    checkpoints,
                    public_key,
                },
        } => audit_cmd::verify(config, checkpoints.as_deref(), public_key.as_deref()),
        Command::Audit {
            command: AuditCommand::Checkpoint,
        } => audit_cmd::checkpoint(config),
        Command::ExportOpenapi { out } => {
            let write_err = |source| database::StartError::Write {
                path: out.display().to_string(),
                source,
            };
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(write_err)?;
            }
            std::fs::write(&out, toolreg_api::openapi::pretty_json()).map_err(write_err)?;
            println!("skrev {}", out.display());
            Ok(())
        }
        Command::CheckConfig => {
            let pool = database::open(config)?;
            toolreg_store::connection::ping(&pool)?;
            println!("konfigurasjonen er gyldig");
            println!("  database: {}", config.database_url.redacted());
            println!("  bind:     {}", config.bind);
            println!("  data dir: {}", config.data_dir.display());
            println!("  seed:     {}", config.seed);
            Ok(())
        }
    }
}
