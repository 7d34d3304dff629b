//! What the benchmarks and the plan test share: the generated catalogue.

pub mod generate;
