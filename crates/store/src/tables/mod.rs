//! One module per table (or per table and the join table it owns): row
//! mapping and single-table queries. Table modules never import each other;
//! changes that touch several tables are workflows in `ops`.

pub mod assessment;
pub mod audit;
pub mod blob;
pub mod delivery;
pub mod document;
pub mod event;
pub mod event_consumer;
pub mod generation;
pub mod inventory;
pub mod organisation;
pub mod requirement_answer;
pub mod submission;
pub mod subprocessor_revision;
pub mod subscription;
pub mod tool;
pub mod tool_facet;
pub mod tool_revision;
pub mod verdict_version;

/// Names used in `tool_facets.facet`: shared vocabulary of the tool list
/// filter (`tool`) and the facet rows (`tool_facet`).
pub mod facet {
    pub const CATEGORY: &str = "category";
    pub const AGE_BAND: &str = "age_band";
    pub const LOGIN_METHOD: &str = "login_method";
    pub const PLATFORM: &str = "platform";
    /// The tool's own facets, from its attributes.
    pub const OWN: [&str; 4] = [CATEGORY, AGE_BAND, LOGIN_METHOD, PLATFORM];
    /// Derived: level of the verdict in force (see `ops::derived_facets`).
    pub const VERDICT_LEVEL: &str = "verdict_level";
    /// Derived: "yes"/"no" from the latest subprocessor revision.
    pub const THIRD_COUNTRY: &str = "third_country";
    pub const DERIVED: [&str; 2] = [VERDICT_LEVEL, THIRD_COUNTRY];
}
