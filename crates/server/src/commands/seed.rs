//! `toolreg seed [--dir DIR]`: load sample data; a second load adds nothing.

use crate::config::Config;
use crate::database::{self, StartError};
use std::path::Path;
use toolreg_store::seed::SeedFiles;

pub fn run(config: &Config, dir: Option<&Path>) -> Result<(), StartError> {
    let pool = database::open(config)?;
    let files = match dir {
        Some(dir) => SeedFiles::read_dir(dir)?,
        None => crate::sample_data::embedded(),
    };
    let report = database::load_seed(&pool, &files)?;
    let i = report.inserted;
    println!(
        "lastet inn {} organisasjoner, {} verktøy, {} underdatabehandlerrevisjoner, {} vurderinger, {} versjoner, {} oppføringer i kommuners verktøyoversikter; {} fantes fra før",
        i.organisations, i.tools, i.subprocessor_revisions, i.assessments, i.verdicts, report.inventory_entries, report.skipped
    );
    Ok(())
}
