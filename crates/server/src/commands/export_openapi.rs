//! `toolreg export-openapi`: write the OpenAPI document the code describes.

use crate::database::StartError;
use std::path::Path;

pub fn run(out: &Path) -> Result<(), StartError> {
    let write_err = |source| StartError::Write {
        path: out.display().to_string(),
        source,
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    std::fs::write(out, toolreg_api::openapi::pretty_json()).map_err(write_err)?;
    println!("skrev {}", out.display());
    Ok(())
}
