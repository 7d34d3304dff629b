//! Sample data: the JSON files in `seed-data/`, their format, and loading
//! them idempotently through the bulk loader. Seeding adds what is missing
//! and never changes what exists, so a second run writes nothing.

mod format;
mod inventory;
mod load;
mod resolve;

pub use format::{SeedFiles, SeedSet};
pub use load::{load, SeedReport};
pub use resolve::{seed_id, SeedError};
