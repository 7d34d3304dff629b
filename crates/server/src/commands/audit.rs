//! `toolreg audit verify` and `toolreg audit checkpoint`.

use crate::config::Config;
use crate::database::{self, StartError};
use std::path::Path;
use toolreg_core::checkpoint::{Checkpoint, PublicKey};
use toolreg_store::ops::{checkpoint, integrity};

/// Everything that can be checked, each problem on its own line; exit 1
/// when there is any.
pub fn verify(
    config: &Config,
    checkpoints: Option<&Path>,
    public_key: Option<&str>,
) -> Result<(), StartError> {
    let kept = checkpoints.map(read_checkpoints).transpose()?;
    let key = match public_key {
        Some(x) => PublicKey::from_x(x).map_err(|e| StartError::Checkpoints {
            path: "--public-key".into(),
            reason: e.to_string(),
        })?,
        None => crate::auth_setup::checkpoint_signer(config)?.public(),
    };
    let pool = database::open(config)?;
    let mut conn = pool.get().map_err(toolreg_store::StoreError::from)?;
    let mut problems = 0;
    match toolreg_store::tables::audit::first_broken(&mut conn)? {
        None => println!("hashkjeden er intakt"),
        Some(sequence) => {
            problems += 1;
            println!("oppføring {sequence} i revisjonssporet er endret eller lenker feil");
        }
    }
    let verdicts = integrity::verify_verdicts(&mut conn)?;
    for p in &verdicts {
        println!("{}: {}", p.target, p.problem);
    }
    if verdicts.is_empty() {
        println!("alle publiserte vurderingsversjoner stemmer med revisjonssporet");
    }
    problems += verdicts.len();
    if let Some(kept) = kept {
        let findings = checkpoint::check(&mut conn, &key, &kept)?;
        for f in &findings {
            println!("{f}");
        }
        if findings.is_empty() {
            println!(
                "{} sjekkpunkt(er) stemmer med revisjonssporet (nøkkel {})",
                kept.len(),
                key.key_id
            );
        }
        problems += findings.len();
    }
    if problems == 0 {
        println!("revisjonssporet er intakt");
        Ok(())
    } else {
        Err(StartError::AuditProblems(problems))
    }
}

/// A JSON array of checkpoints, or the API's list body (`{"items": […]}`).
fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>, StartError> {
    let fail = |reason: String| StartError::Checkpoints {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let items = match value.get("items") {
        Some(items) => items.clone(),
        None => value,
    };
    serde_json::from_value(items).map_err(|e| fail(e.to_string()))
}

pub fn checkpoint(config: &Config) -> Result<(), StartError> {
    let signer = crate::auth_setup::checkpoint_signer(config)?;
    let pool = database::open(config)?;
    let mut conn = pool.get().map_err(toolreg_store::StoreError::from)?;
    match checkpoint::make(&mut conn, &signer, toolreg_store::time::now())? {
        Some(c) => println!("signerte sjekkpunkt {} ({})", c.sequence, c.entry_hash),
        None => println!("siste sjekkpunkt dekker allerede hele revisjonssporet"),
    }
    Ok(())
}
