//! `toolreg migrate`: apply pending migrations and exit.

use crate::config::Config;
use crate::database::{self, StartError};

pub fn run(config: &Config) -> Result<(), StartError> {
    database::open(config)?;
    println!(
        "migreringer er oppdatert ({})",
        config.database_url.redacted()
    );
    Ok(())
}
