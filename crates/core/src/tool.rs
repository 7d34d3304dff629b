//! Learning tools: the things municipalities assess before pupils use them.

use crate::caps;
use crate::slug::check_slug;
use crate::validation::{check_web_url, Validate, Violations};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    /// School levels (trinn) a tool is used at.
    pub enum AgeBand {
        Kindergarten => "kindergarten",
        Grades1To4 => "grades_1_4",
        Grades5To7 => "grades_5_7",
        Grades8To10 => "grades_8_10",
        UpperSecondary => "upper_secondary",
        Adult => "adult",
    }
}

crate::string_enum! {
    pub enum LoginMethod {
        None => "none",
        Feide => "feide",
        VendorAccount => "vendor_account",
        Google => "google",
        Microsoft => "microsoft",
        Apple => "apple",
    }
}

crate::string_enum! {
    pub enum Platform {
        Web => "web",
        Ios => "ios",
        Ipados => "ipados",
        Android => "android",
        Windows => "windows",
        Macos => "macos",
        Chromeos => "chromeos",
        Linux => "linux",
    }
}

crate::string_enum! {
    pub enum Pricing {
        Free => "free",
        Freemium => "freemium",
        Paid => "paid",
        IncludedInLicence => "included_in_licence",
    }
}

crate::string_enum! {
    /// Whether the tool processes personal data. Datatilsynet found many
    /// schools believe free tools or tools without login process none, so
    /// "no" needs a basis just as much as "yes" does.
    pub enum ProcessesPersonalData {
        Yes => "yes",
        No => "no",
        Unknown => "unknown",
    }
}

crate::string_enum! {
    /// Why the tool processes personal data (or how we know it does).
    pub enum PersonalDataBasis {
        Ip => "ip",
        DeviceId => "device_id",
        Trackers => "trackers",
        Account => "account",
        FreeText => "free_text",
        Name => "name",
        ContactDetails => "contact_details",
        Grades => "grades",
        Geolocation => "geolocation",
        Images => "images",
        Audio => "audio",
        Health => "health",
        Behaviour => "behaviour",
    }
}

crate::string_enum! {
    pub enum ToolStatus {
        Active => "active",
        Discontinued => "discontinued",
    }
}

/// A Feide attribute the service requests, with the vendor's justification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeideAttribute {
    pub attribute: String,
    pub justification: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AiFeature {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Whether customer content is used to train models; `None` when unknown.
    #[serde(default)]
    pub trains_on_customer_data: Option<bool>,
}

/// What a caller supplies to create or replace a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolInput {
    pub slug: String,
    pub name: String,
    pub vendor_id: Uuid,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::TOOL_CATEGORIES }, _, _>"
    )]
    pub categories: Vec<String>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ AgeBand::ALL.len() }, _, _>"
    )]
    pub age_bands: Vec<AgeBand>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ LoginMethod::ALL.len() }, _, _>"
    )]
    pub login_methods: Vec<LoginMethod>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ Platform::ALL.len() }, _, _>"
    )]
    pub platforms: Vec<Platform>,
    #[serde(default)]
    pub pricing: Option<Pricing>,
    pub processes_personal_data: ProcessesPersonalData,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ PersonalDataBasis::ALL.len() }, _, _>"
    )]
    pub personal_data_basis: Vec<PersonalDataBasis>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::FEIDE_ATTRIBUTES }, _, _>"
    )]
    pub feide_attributes: Vec<FeideAttribute>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ crate::caps::AI_FEATURES }, _, _>"
    )]
    pub ai_features: Vec<AiFeature>,
    #[serde(default = "default_status")]
    pub status: ToolStatus,
}

fn default_status() -> ToolStatus {
    ToolStatus::Active
}

/// What a vendor may change on its own tools without review: the
/// descriptive fields. Everything else — above all the facts a verdict
/// rests on (personal data, Feide attributes, AI features, login methods,
/// age bands) — changes only by a reviewer, so what the public sees is
/// what was reviewed.
pub const VENDOR_EDITABLE: [&str; 5] = ["name", "summary", "website", "platforms", "pricing"];

impl ToolInput {
    /// The fields (by their JSON names) in which `self` differs from
    /// `before`.
    pub fn changed_fields(&self, before: &ToolInput) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut note = |name: &'static str, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        note("slug", self.slug != before.slug);
        note("name", self.name.trim() != before.name.trim());
        note("vendor_id", self.vendor_id != before.vendor_id);
        note("summary", self.summary != before.summary);
        note("website", self.website != before.website);
        note("categories", self.categories != before.categories);
        note("age_bands", self.age_bands != before.age_bands);
        note("login_methods", self.login_methods != before.login_methods);
        note("platforms", self.platforms != before.platforms);
        note("pricing", self.pricing != before.pricing);
        note(
            "processes_personal_data",
            self.processes_personal_data != before.processes_personal_data,
        );
        note(
            "personal_data_basis",
            self.personal_data_basis != before.personal_data_basis,
        );
        note(
            "feide_attributes",
            self.feide_attributes != before.feide_attributes,
        );
        note("ai_features", self.ai_features != before.ai_features);
        note("status", self.status != before.status);
        changed
    }

    /// The fields that hold a value: what a tool's first revision sets.
    pub fn set_fields(&self) -> Vec<&'static str> {
        let mut set = vec!["slug", "name", "vendor_id"];
        let mut note = |name: &'static str, has: bool| {
            if has {
                set.push(name);
            }
        };
        note("summary", !self.summary.is_empty());
        note("website", self.website.is_some());
        note("categories", !self.categories.is_empty());
        note("age_bands", !self.age_bands.is_empty());
        note("login_methods", !self.login_methods.is_empty());
        note("platforms", !self.platforms.is_empty());
        note("pricing", self.pricing.is_some());
        note("processes_personal_data", true);
        note("personal_data_basis", !self.personal_data_basis.is_empty());
        note("feide_attributes", !self.feide_attributes.is_empty());
        note("ai_features", !self.ai_features.is_empty());
        note("status", true);
        set
    }

    /// Changes from `before` that a vendor may not make itself.
    pub fn reviewed_changes(&self, before: &ToolInput) -> Vec<&'static str> {
        self.changed_fields(before)
            .into_iter()
            .filter(|f| !VENDOR_EDITABLE.contains(f))
            .collect()
    }

    /// The same tool as a vendor may register it: its descriptive fields and
    /// identity, with every reviewed fact unassessed.
    pub fn unassessed(&self) -> ToolInput {
        ToolInput {
            categories: Vec::new(),
            age_bands: Vec::new(),
            login_methods: Vec::new(),
            processes_personal_data: ProcessesPersonalData::Unknown,
            personal_data_basis: Vec::new(),
            feide_attributes: Vec::new(),
            ai_features: Vec::new(),
            ..self.clone()
        }
    }
}

/// Categories are short machine keys (`quiz`, `learning_platform`).
fn check_category(value: &str) -> Result<(), &'static str> {
    let ok = (2..=40).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err("kategori må ha 2–40 tegn: a–z, 0–9 og understrek")
    }
}

impl Validate for ToolInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        if out.limit_text(&format!("{p}/slug"), &self.slug, caps::TOOL_SLUG) {
            out.check(&format!("{p}/slug"), check_slug(&self.slug));
        }
        out.require_text(&format!("{p}/name"), &self.name, caps::TOOL_NAME);
        out.limit_text(&format!("{p}/summary"), &self.summary, caps::TOOL_SUMMARY);
        if let Some(w) = &self.website {
            if out.limit_text(&format!("{p}/website"), w, caps::URL) {
                out.check(&format!("{p}/website"), check_web_url(w));
            }
        }
        let cats = format!("{p}/categories");
        let cats_ok = out.each_within(
            &cats,
            &self.categories,
            caps::TOOL_CATEGORIES,
            |out, at, c| {
                if out.limit_text(at, c, caps::CATEGORY) {
                    out.check(at, check_category(c));
                }
            },
        );
        if cats_ok {
            out.unique(&cats, &self.categories);
        }
        out.distinct_within(
            &format!("{p}/age_bands"),
            &self.age_bands,
            AgeBand::ALL.len(),
        );
        out.distinct_within(
            &format!("{p}/login_methods"),
            &self.login_methods,
            LoginMethod::ALL.len(),
        );
        out.distinct_within(
            &format!("{p}/platforms"),
            &self.platforms,
            Platform::ALL.len(),
        );
        out.distinct_within(
            &format!("{p}/personal_data_basis"),
            &self.personal_data_basis,
            PersonalDataBasis::ALL.len(),
        );
        if self.processes_personal_data == ProcessesPersonalData::Yes
            && self.personal_data_basis.is_empty()
        {
            out.push(
                format!("{p}/personal_data_basis"),
                "oppgi hvilke personopplysninger som behandles når processes_personal_data er «yes»",
            );
        }
        if self.login_methods.contains(&LoginMethod::None) && self.login_methods.len() > 1 {
            out.push(
                format!("{p}/login_methods"),
                "«none» kan ikke kombineres med andre innloggingsmåter",
            );
        }
        let feide = format!("{p}/feide_attributes");
        if !self.feide_attributes.is_empty() && !self.login_methods.contains(&LoginMethod::Feide) {
            out.push(
                &feide,
                "Feide-attributter krever at «feide» er blant innloggingsmåtene",
            );
        }
        out.each_within(
            &feide,
            &self.feide_attributes,
            caps::FEIDE_ATTRIBUTES,
            |out, at, a| {
                out.require_text(
                    &format!("{at}/attribute"),
                    &a.attribute,
                    caps::FEIDE_ATTRIBUTE,
                );
                out.require_text(
                    &format!("{at}/justification"),
                    &a.justification,
                    caps::JUSTIFICATION,
                );
            },
        );
        out.each_within(
            &format!("{p}/ai_features"),
            &self.ai_features,
            caps::AI_FEATURES,
            |out, at, a| {
                out.require_text(&format!("{at}/name"), &a.name, caps::AI_FEATURE_NAME);
                out.limit_text(
                    &format!("{at}/description"),
                    &a.description,
                    caps::AI_FEATURE_DESCRIPTION,
                );
            },
        );
    }
}

/// One state a tool has had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolRevision {
    pub revision: i64,
    pub changed_at: DateTime<Utc>,
    /// In what capacity: `vendor`, `reviewer`, `admin` or `import`.
    pub editor: String,
    /// JSON names of the fields that differ from the revision before (for
    /// the first, those that hold a value).
    pub changed_fields: Vec<String>,
    pub tool: ToolInput,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tool {
    pub id: Uuid,
    #[serde(flatten)]
    pub input: ToolInput,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
}

#[cfg(test)]
#[path = "tool_tests.rs"]
pub(crate) mod tests;
