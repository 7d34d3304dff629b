//! `toolreg check-config`: parse every setting, reach the database, and
//! show each setting's value and where it came from (secrets only as set).

use crate::config::Config;
use crate::database::{self, StartError};
use crate::settings::{file_key, SETTINGS};

pub fn run(config: &Config, file: Option<&std::path::Path>) -> Result<(), StartError> {
    let pool = database::open(config)?;
    toolreg_store::connection::ping(&pool)?;
    println!("konfigurasjonen er gyldig, og databasen svarer");
    let file_text = file
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| t.parse::<toml::Table>().ok())
        .unwrap_or_default();
    for s in SETTINGS {
        let from_env = std::env::var(s.name).ok().filter(|v| !v.trim().is_empty());
        let from_file = file_text.get(&file_key(s.name)).map(ToString::to_string);
        let shown = match (from_env, from_file) {
            (Some(_), _) | (None, Some(_)) if s.secret => "(satt)".to_string(),
            (Some(v), _) => format!("{v} (miljøvariabel)"),
            (None, Some(v)) => format!("{v} (fil)"),
            (None, None) => format!("{} (standard)", s.default),
        };
        println!("  {:<36} {shown}\n  {:<36} – {}", s.name, "", s.meaning);
    }
    Ok(())
}
