//! The indexed shape of a tool: what is searched, filtered and shown in a
//! hit, built from the store's read model. Both backends index exactly
//! this, so they search the same text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toolreg_core::subprocessor::{transfers_to_third_country, SubprocessorRevision};
use toolreg_core::verdict::VerdictLevel;
use toolreg_store::read_model::ToolView;
use uuid::Uuid;

/// The verdict in force when the tool was indexed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexedVerdict {
    pub assessment_id: Uuid,
    pub version: i32,
    pub level: VerdictLevel,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub vendor_id: Uuid,
    pub vendor_name: String,
    pub summary: String,
    pub categories: Vec<String>,
    pub age_bands: Vec<String>,
    pub login_methods: Vec<String>,
    pub platforms: Vec<String>,
    /// `yes`, `no` or `unknown`.
    pub processes_personal_data: String,
    /// Whether the latest subprocessor revision transfers personal data to
    /// a third country: `yes`, `no`, or `unknown` without a revision.
    pub third_country: String,
    /// Level of the verdict in force; `not_assessed` when none is.
    pub verdict_level: String,
    pub verdict: Option<IndexedVerdict>,
    /// Names of every subprocessor in the chain.
    pub subprocessors: Vec<String>,
    /// The personal data the tool and its subprocessors process.
    pub data_categories: Vec<String>,
    /// AI features: name and description.
    pub ai_features: Vec<String>,
    /// Titles of the findings of the verdict in force.
    pub findings: Vec<String>,
    /// Conditions of use of the verdict in force.
    pub conditions: Vec<String>,
}

/// A searchable field: its name in documents and in hits, and how much a
/// match in it counts. Name above vendor above summary above the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchableField {
    pub name: &'static str,
    pub weight: f32,
}

/// In ranking order; the Meilisearch backend passes the names in this
/// order as its searchable attributes, which is how it ranks fields.
pub const SEARCHABLE: [SearchableField; 11] = [
    SearchableField {
        name: "name",
        weight: 8.0,
    },
    SearchableField {
        name: "slug",
        weight: 6.0,
    },
    SearchableField {
        name: "vendor_name",
        weight: 4.0,
    },
    SearchableField {
        name: "summary",
        weight: 2.0,
    },
    SearchableField {
        name: "categories",
        weight: 1.0,
    },
    SearchableField {
        name: "login_methods",
        weight: 1.0,
    },
    SearchableField {
        name: "subprocessors",
        weight: 1.0,
    },
    SearchableField {
        name: "data_categories",
        weight: 1.0,
    },
    SearchableField {
        name: "ai_features",
        weight: 1.0,
    },
    SearchableField {
        name: "findings",
        weight: 1.0,
    },
    SearchableField {
        name: "conditions",
        weight: 1.0,
    },
];

impl SearchDocument {
    pub fn from_view(view: &ToolView, subprocessors: Option<&SubprocessorRevision>) -> Self {
        let input = &view.tool.input;
        let verdict = view.current_verdict.as_ref();
        let mut data_categories: Vec<String> = input
            .personal_data_basis
            .iter()
            .map(|b| b.as_str().replace('_', " "))
            .collect();
        if let Some(revision) = subprocessors {
            for entry in &revision.entries {
                data_categories.extend(entry.data_categories.iter().cloned());
            }
        }
        if let Some(v) = verdict {
            data_categories.extend(v.content.data_flows.iter().map(|f| f.data_category.clone()));
        }
        data_categories.sort();
        data_categories.dedup();
        Self {
            id: view.tool.id,
            slug: input.slug.clone(),
            name: input.name.clone(),
            vendor_id: input.vendor_id,
            vendor_name: view.vendor_name.clone(),
            summary: input.summary.clone(),
            categories: input.categories.clone(),
            age_bands: input.age_bands.iter().map(|a| a.as_str().into()).collect(),
            login_methods: input
                .login_methods
                .iter()
                .map(|l| l.as_str().into())
                .collect(),
            platforms: input.platforms.iter().map(|p| p.as_str().into()).collect(),
            processes_personal_data: input.processes_personal_data.as_str().into(),
            third_country: match subprocessors {
                None => "unknown",
                Some(r) if transfers_to_third_country(&r.entries) => "yes",
                Some(_) => "no",
            }
            .into(),
            verdict_level: verdict
                .map_or(VerdictLevel::NotAssessed, |v| v.content.level)
                .as_str()
                .into(),
            verdict: verdict.map(|v| IndexedVerdict {
                assessment_id: v.assessment_id,
                version: v.version,
                level: v.content.level,
                published_at: v.published_at,
            }),
            subprocessors: subprocessors
                .map(|r| r.entries.iter().map(|e| e.name.clone()).collect())
                .unwrap_or_default(),
            data_categories,
            ai_features: input
                .ai_features
                .iter()
                .map(|f| format!("{} {}", f.name, f.description).trim().to_string())
                .collect(),
            findings: verdict
                .map(|v| v.content.findings.iter().map(|f| f.title.clone()).collect())
                .unwrap_or_default(),
            conditions: verdict
                .map(|v| {
                    v.content
                        .conditions
                        .iter()
                        .map(|c| c.text.clone())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The texts of a searchable field (one per list item).
    pub fn texts(&self, field: &str) -> Vec<&str> {
        match field {
            "name" => vec![self.name.as_str()],
            "slug" => vec![self.slug.as_str()],
            "vendor_name" => vec![self.vendor_name.as_str()],
            "summary" => vec![self.summary.as_str()],
            "categories" => self.categories.iter().map(String::as_str).collect(),
            "login_methods" => self.login_methods.iter().map(String::as_str).collect(),
            "subprocessors" => self.subprocessors.iter().map(String::as_str).collect(),
            "data_categories" => self.data_categories.iter().map(String::as_str).collect(),
            "ai_features" => self.ai_features.iter().map(String::as_str).collect(),
            "findings" => self.findings.iter().map(String::as_str).collect(),
            "conditions" => self.conditions.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The values of a facet, as filters match them.
    pub fn facet_values(&self, facet: crate::query::Facet) -> Vec<String> {
        use crate::query::Facet;
        let one = |s: &str| vec![s.to_string()];
        match facet {
            Facet::VerdictLevel => one(&self.verdict_level),
            Facet::Category => self.categories.clone(),
            Facet::AgeBand => self.age_bands.clone(),
            Facet::LoginMethod => self.login_methods.clone(),
            Facet::Platform => self.platforms.clone(),
            Facet::ThirdCountry => one(&self.third_country),
            Facet::Vendor => vec![self.vendor_id.to_string()],
            Facet::ProcessesPersonalData => one(&self.processes_personal_data),
        }
    }
}
