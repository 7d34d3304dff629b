//! The repository's `seed-data/` compiled into the binary, so a fresh
//! `cargo run --release` (or an installed binary far from the repository)
//! has sample data without any set-up step.

use toolreg_store::seed::SeedFiles;

macro_rules! seed_file {
    ($name:literal) => {
        (
            concat!("seed-data/", $name, " (innebygd)").to_string(),
            include_str!(concat!("../../../seed-data/", $name)).to_string(),
        )
    };
}

pub fn embedded() -> SeedFiles {
    SeedFiles {
        organisations: seed_file!("organisations.json"),
        tools: seed_file!("tools.json"),
        subprocessors: seed_file!("subprocessors.json"),
        assessments: seed_file!("assessments.json"),
        inventories: seed_file!("inventories.json"),
    }
}
