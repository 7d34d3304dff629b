//! toolreg: the national registry of assessed learning tools.

mod auth_setup;
mod bench_routes;
mod cli;
mod commands;
mod config;
mod database;
mod logging;
mod sample_data;
mod search_setup;
mod settings;

use clap::Parser;
use cli::{Cli, Command};
use config::Config;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config_file = cli
        .config
        .clone()
        .or_else(|| std::env::var(settings::CONFIG_FILE).ok().map(Into::into));
    let config = match Config::load(config_file.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("toolreg: ugyldig konfigurasjon: {e}");
            return ExitCode::from(2);
        }
    };
    logging::init(config.log_format, &config.log_filter);
    let command = cli.command.unwrap_or(Command::Serve);
    match commands::run(command, &config, config_file.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "toolreg stopped");
            eprintln!("toolreg: {e}");
            ExitCode::FAILURE
        }
    }
}
