//! The seed files as people edit them: things refer to each other by short
//! keys and slugs, not ids; times are explicit so verdict history is real.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use toolreg_core::assessment::AssessmentKind;
use toolreg_core::subprocessor::SubprocessorEntry;
use toolreg_core::verdict::{VerdictContent, VerdictDraft};

/// The raw text of each seed file, with the name used in error messages.
#[derive(Debug, Clone)]
pub struct SeedFiles {
    pub organisations: (String, String),
    pub tools: (String, String),
    pub subprocessors: (String, String),
    pub assessments: (String, String),
    pub inventories: (String, String),
}

pub(crate) const ORGANISATIONS: &str = "organisations.json";
pub(crate) const TOOLS: &str = "tools.json";
pub(crate) const SUBPROCESSORS: &str = "subprocessors.json";
pub(crate) const ASSESSMENTS: &str = "assessments.json";
pub(crate) const INVENTORIES: &str = "inventories.json";

impl SeedFiles {
    /// Read the five files from a directory.
    pub fn read_dir(dir: &std::path::Path) -> Result<Self, super::SeedError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (path.display().to_string(), text))
                .map_err(|e| super::SeedError::Read {
                    file: path.display().to_string(),
                    detail: e.to_string(),
                })
        };
        Ok(Self {
            organisations: read(ORGANISATIONS)?,
            tools: read(TOOLS)?,
            subprocessors: read(SUBPROCESSORS)?,
            assessments: read(ASSESSMENTS)?,
            inventories: read(INVENTORIES)?,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationsFile {
    #[serde(rename = "_notice")]
    pub _notice: String,
    /// Each an `OrganisationInput` plus a `key`; parsed strictly once the
    /// key is taken out (serde cannot combine flatten with unknown-field
    /// checks).
    pub organisations: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Tools are kept as JSON objects until the vendor key is resolved, then
/// parsed strictly as `ToolInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ToolsFile {
    #[serde(rename = "_notice")]
    pub _notice: String,
    pub tools: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubprocessorsFile {
    #[serde(rename = "_notice")]
    pub _notice: String,
    pub tools: Vec<SeedToolSubprocessors>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedToolSubprocessors {
    pub tool: String,
    pub revisions: Vec<SeedRevision>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedRevision {
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub source_url: Option<String>,
    pub entries: Vec<SubprocessorEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssessmentsFile {
    #[serde(rename = "_notice")]
    pub _notice: String,
    pub assessments: Vec<SeedAssessment>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedAssessment {
    pub key: String,
    pub kind: AssessmentKind,
    pub title: String,
    pub reviewer: String,
    pub tools: Vec<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub versions: Vec<SeedVersion>,
    /// Unpublished work in progress; defaults to the last published content.
    #[serde(default)]
    pub draft: Option<VerdictDraft>,
    #[serde(default)]
    pub withdrawn: Option<SeedWithdrawal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedVersion {
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    #[serde(default)]
    pub change_note: String,
    /// Subprocessor revisions read, by tool slug.
    #[serde(default)]
    pub reviewed_subprocessors: Vec<SeedReviewed>,
    pub verdict: VerdictContent,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedReviewed {
    pub tool: String,
    pub revision: i32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedWithdrawal {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InventoriesFile {
    #[serde(rename = "_notice")]
    pub _notice: String,
    pub inventories: Vec<SeedInventoryEntry>,
}

/// One municipality's entry for one tool.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedInventoryEntry {
    pub key: String,
    /// The organisation's key.
    pub organisation: String,
    /// A registry tool's slug…
    #[serde(default)]
    pub tool: Option<String>,
    /// …or a local tool (`{"kind": "local", "name": …}`).
    #[serde(default)]
    pub local_tool: Option<toolreg_core::inventory::InventoryTool>,
    pub created_at: DateTime<Utc>,
    /// `InventoryInput` without `tool`.
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Follow up the conditions of this verdict version.
    #[serde(default)]
    pub conditions_of: Option<SeedConditionsOf>,
    #[serde(default)]
    pub settings: Vec<toolreg_core::inventory::LocalSetting>,
    #[serde(default)]
    pub risks: Vec<toolreg_core::inventory::LocalRisk>,
    /// Screened with the answers the registry's facts support.
    #[serde(default)]
    pub screened: bool,
    #[serde(default)]
    pub acceptance: Option<SeedAcceptance>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedConditionsOf {
    pub assessment: String,
    pub version: i32,
    /// Only the first this many conditions have a status (all by default).
    #[serde(default)]
    pub followed_up: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedAcceptance {
    pub assessment: String,
    pub version: i32,
    pub accepted_by_name: String,
    pub accepted_by_role: String,
    pub accepted_at: DateTime<Utc>,
}

/// The parsed, not yet resolved, seed files.
#[derive(Debug, Clone)]
pub struct SeedSet {
    pub(crate) organisations: Vec<serde_json::Map<String, serde_json::Value>>,
    pub(crate) tools: Vec<serde_json::Map<String, serde_json::Value>>,
    pub(crate) subprocessors: Vec<SeedToolSubprocessors>,
    pub(crate) assessments: Vec<SeedAssessment>,
    pub(crate) inventories: Vec<SeedInventoryEntry>,
}

fn parse<T: serde::de::DeserializeOwned>(
    (file, text): &(String, String),
) -> Result<T, super::SeedError> {
    serde_json::from_str(text).map_err(|e| super::SeedError::Parse {
        file: file.clone(),
        detail: e.to_string(),
    })
}

impl SeedSet {
    pub fn parse(files: &SeedFiles) -> Result<Self, super::SeedError> {
        let o: OrganisationsFile = parse(&files.organisations)?;
        let t: ToolsFile = parse(&files.tools)?;
        let s: SubprocessorsFile = parse(&files.subprocessors)?;
        let a: AssessmentsFile = parse(&files.assessments)?;
        let i: InventoriesFile = parse(&files.inventories)?;
        Ok(Self {
            organisations: o.organisations,
            tools: t.tools,
            subprocessors: s.tools,
            assessments: a.assessments,
            inventories: i.inventories,
        })
    }

    pub fn tool_count(&self) -> usize {
        self.tools.len()
    }
}
