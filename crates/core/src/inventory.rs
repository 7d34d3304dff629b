//! A municipality's own part: the tools its schools use (the inventory), and
//! for each the local part of the national verdict it relies on — the
//! follow-up of every condition, local settings and risks, and the
//! controller's acceptance of one verdict version. The national registry
//! answers the national 80 %; these are the municipality's 20 %.

use crate::caps;
use crate::data_flow::{DataSubject, LegalBasis};
use crate::risk::{check_scale, Risk};
use crate::screening::Screening;
use crate::validation::{check_web_url, child, Validate, Violations};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::string_enum! {
    /// Where the tool is in its life at this municipality.
    pub enum UsageStatus {
        Trial => "trial",
        InUse => "in_use",
        PhasingOut => "phasing_out",
        Stopped => "stopped",
    }
}

impl UsageStatus {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Trial => "Utprøving",
            Self::InUse => "I bruk",
            Self::PhasingOut => "Utfases",
            Self::Stopped => "Avsluttet",
        }
    }

    /// Whether pupils or staff may be using the tool now: every status but
    /// stopped. Only these count as "in use" anywhere.
    pub fn is_active(self) -> bool {
        self != Self::Stopped
    }
}

/// The fewest organisations using a tool for the count to be public:
/// below it, "used by 2" could tell who.
pub const PUBLIC_USAGE_THRESHOLD: i64 = 5;

/// The count of organisations using a tool as the public may see it: only
/// from the threshold up.
pub fn public_usage(organisations: i64) -> Option<i64> {
    (organisations >= PUBLIC_USAGE_THRESHOLD).then_some(organisations)
}

/// The statuses that count as using a tool, as stored.
pub fn active_statuses() -> Vec<&'static str> {
    UsageStatus::ALL
        .iter()
        .filter(|s| s.is_active())
        .map(|s| s.as_str())
        .collect()
}

/// Which tool an entry is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum InventoryTool {
    /// A tool in the registry.
    Registry { tool_id: Uuid },
    /// A tool not (yet) in the registry, described by the municipality.
    Local {
        name: String,
        #[serde(default)]
        vendor_name: String,
        #[serde(default)]
        website: Option<String>,
    },
}

impl InventoryTool {
    pub fn registry_id(&self) -> Option<Uuid> {
        match self {
            Self::Registry { tool_id } => Some(*tool_id),
            Self::Local { .. } => None,
        }
    }
}

/// The data processing agreement (databehandleravtale) with the vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum ProcessingAgreement {
    /// Signed on this date; `reference` points to where it is kept (case
    /// number, archive reference).
    Signed {
        signed_on: NaiveDate,
        #[serde(default)]
        reference: String,
    },
    /// Being negotiated or waiting for signature.
    Pending {},
    /// There is none.
    None {},
}

impl ProcessingAgreement {
    pub fn label_nb(&self) -> String {
        match self {
            Self::Signed { signed_on, .. } => format!("Signert {}", signed_on.format("%d.%m.%Y")),
            Self::Pending {} => "Under arbeid".to_string(),
            Self::None {} => "Ingen".to_string(),
        }
    }
}

/// The supplementary legal basis suggested for schools' use of learning
/// tools: the public task the Education Act gives the school owner.
pub const DEFAULT_SUPPLEMENTARY_BASIS: &str =
    "Opplæringslova (lov 9. juni 2023 nr. 30) med forskrifter: skoleeierens oppgave å gi opplæring";

fn default_legal_basis() -> LegalBasis {
    LegalBasis::PublicTask
}

fn default_supplementary_basis() -> String {
    DEFAULT_SUPPLEMENTARY_BASIS.to_string()
}

fn default_true() -> bool {
    true
}

/// What a municipality says about its use of one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InventoryInput {
    pub tool: InventoryTool,
    /// Used at every school of the municipality; `schools` is then empty.
    #[serde(default = "default_true")]
    pub all_schools: bool,
    /// The schools using it, when not all.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::SCHOOLS }, _, _>"
    )]
    pub schools: Vec<String>,
    /// School years (trinn) 1–13 (11–13 are Vg1–Vg3).
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::GRADES }, _, _>"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = grades_schema))]
    pub grades: Vec<u8>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::SUBJECTS }, _, _>"
    )]
    pub subjects: Vec<String>,
    /// What the schools use it for.
    pub purpose: String,
    /// GDPR art. 6(1) basis; public task (e) by default.
    #[serde(default = "default_legal_basis")]
    pub legal_basis: LegalBasis,
    /// The supplementary basis in national law (art. 6(3)); the Education
    /// Act by default.
    #[serde(default = "default_supplementary_basis")]
    pub supplementary_basis: String,
    /// Categories of personal data, in the municipality's words.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::INVENTORY_DATA_CATEGORIES }, _, _>"
    )]
    pub data_categories: Vec<String>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ DataSubject::ALL.len() }, _, _>"
    )]
    pub data_subjects: Vec<DataSubject>,
    pub agreement: ProcessingAgreement,
    /// Who in the organisation owns the use (a role or a name).
    pub owner: String,
    pub status: UsageStatus,
    /// When the current status began.
    #[serde(default)]
    pub status_since: Option<NaiveDate>,
    /// When use is planned to end or ended (phasing out, stopped).
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

/// School years as the document states them: 1–13, at most 13 of them.
#[cfg(feature = "openapi")]
fn grades_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(13)),
        )
        .max_items(Some(caps::GRADES))
        .unique_items(true)
        .build()
}

fn each_text(out: &mut Violations, p: &str, items: &[String], max_items: usize, max_chars: usize) {
    out.each_within(p, items, max_items, |out, p, item| {
        out.require_text(p, item, max_chars);
    });
}

impl Validate for InventoryInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        match &self.tool {
            InventoryTool::Registry { .. } => {}
            InventoryTool::Local {
                name,
                vendor_name,
                website,
            } => {
                out.require_text(&format!("{p}/tool/name"), name, caps::TOOL_NAME);
                out.limit_text(
                    &format!("{p}/tool/vendor_name"),
                    vendor_name,
                    caps::ORGANISATION_NAME,
                );
                if let Some(url) = website {
                    if out.limit_text(&format!("{p}/tool/website"), url, caps::URL) {
                        out.check(&format!("{p}/tool/website"), check_web_url(url));
                    }
                }
            }
        }
        each_text(
            out,
            &format!("{p}/schools"),
            &self.schools,
            caps::SCHOOLS,
            caps::SCHOOL,
        );
        if self.all_schools && !self.schools.is_empty() {
            out.push(
                format!("{p}/schools"),
                "skal være tom når verktøyet brukes ved alle skoler (all_schools)",
            );
        }
        if !self.all_schools && self.schools.is_empty() {
            out.push(
                format!("{p}/schools"),
                "nevn skolene, eller sett all_schools når alle bruker verktøyet",
            );
        }
        if out.limit_items(&format!("{p}/grades"), self.grades.len(), caps::GRADES) {
            for (i, g) in self.grades.iter().enumerate() {
                if !(1..=13).contains(g) {
                    out.push(
                        child(&format!("{p}/grades"), i),
                        "trinn er 1–13 (11–13 er Vg1–Vg3)",
                    );
                }
            }
            out.unique(&format!("{p}/grades"), &self.grades);
        }
        each_text(
            out,
            &format!("{p}/subjects"),
            &self.subjects,
            caps::SUBJECTS,
            caps::SUBJECT,
        );
        out.require_text(&format!("{p}/purpose"), &self.purpose, caps::PURPOSE);
        out.require_text(
            &format!("{p}/supplementary_basis"),
            &self.supplementary_basis,
            caps::SUPPLEMENTARY_BASIS,
        );
        each_text(
            out,
            &format!("{p}/data_categories"),
            &self.data_categories,
            caps::INVENTORY_DATA_CATEGORIES,
            caps::DATA_CATEGORY,
        );
        out.distinct_within(
            &format!("{p}/data_subjects"),
            &self.data_subjects,
            DataSubject::ALL.len(),
        );
        if let ProcessingAgreement::Signed { reference, .. } = &self.agreement {
            out.limit_text(
                &format!("{p}/agreement/reference"),
                reference,
                caps::DOCUMENT_REFERENCE,
            );
        }
        out.require_text(&format!("{p}/owner"), &self.owner, caps::OWNER);
        if let (Some(since), Some(ends)) = (self.status_since, self.ends_on) {
            if ends < since {
                out.push(format!("{p}/ends_on"), "kan ikke være før status_since");
            }
        }
    }
}

crate::string_enum! {
    /// How far the municipality has come with one condition of the verdict.
    pub enum ConditionStatus {
        Done => "done",
        NotDone => "not_done",
        NotApplicable => "not_applicable",
    }
}

impl ConditionStatus {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Done => "Gjennomført",
            Self::NotDone => "Ikke gjennomført",
            Self::NotApplicable => "Ikke relevant",
        }
    }
}

/// The municipality's follow-up of one condition of the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionFollowUp {
    /// The condition's key as the entry shows it (`setting:…` or
    /// `text:…`): stable from version to version while the condition is.
    pub key: String,
    pub status: ConditionStatus,
    #[serde(default)]
    pub note: String,
    /// Where the evidence is: a case number, a screenshot's archive
    /// reference, a link.
    #[serde(default)]
    pub evidence: String,
}

/// A setting the municipality made in the tool's administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalSetting {
    /// A condition's setting key, or the municipality's own name for it.
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub note: String,
}

/// A risk only the municipality can see, scored as national findings are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalRisk {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub likelihood: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub consequence: u8,
    /// The measures taken locally.
    #[serde(default)]
    pub measures: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub residual_likelihood: u8,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub residual_consequence: u8,
}

impl LocalRisk {
    pub fn inherent_risk(&self) -> Risk {
        Risk::of(self.likelihood, self.consequence)
    }

    pub fn residual_risk(&self) -> Risk {
        Risk::of(self.residual_likelihood, self.residual_consequence)
    }
}

/// The local part as the municipality writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalPart {
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::CONDITIONS }, _, _>"
    )]
    pub conditions: Vec<ConditionFollowUp>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::LOCAL_SETTINGS }, _, _>"
    )]
    pub settings: Vec<LocalSetting>,
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ caps::LOCAL_RISKS }, _, _>"
    )]
    pub risks: Vec<LocalRisk>,
}

impl LocalPart {
    /// The follow-up of the condition with `key`, if any.
    pub fn follow_up(&self, key: &str) -> Option<&ConditionFollowUp> {
        self.conditions.iter().find(|c| c.key == key)
    }
}

impl Validate for LocalPart {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        out.each_within(
            &format!("{p}/conditions"),
            &self.conditions,
            caps::CONDITIONS,
            |out, p, c| {
                out.require_text(&format!("{p}/key"), &c.key, caps::CONDITION_KEY);
                out.limit_text(&format!("{p}/note"), &c.note, caps::LOCAL_NOTE);
                out.limit_text(&format!("{p}/evidence"), &c.evidence, caps::EVIDENCE);
            },
        );
        let keys: Vec<&str> = self.conditions.iter().map(|c| c.key.as_str()).collect();
        out.unique(&format!("{p}/conditions"), &keys);
        out.each_within(
            &format!("{p}/settings"),
            &self.settings,
            caps::LOCAL_SETTINGS,
            |out, p, s| {
                out.require_text(&format!("{p}/key"), &s.key, caps::SETTING_KEY);
                out.require_text(&format!("{p}/value"), &s.value, caps::SETTING_VALUE);
                out.limit_text(&format!("{p}/note"), &s.note, caps::LOCAL_NOTE);
            },
        );
        out.each_within(
            &format!("{p}/risks"),
            &self.risks,
            caps::LOCAL_RISKS,
            |out, p, r| {
                out.require_text(&format!("{p}/title"), &r.title, caps::FINDING_TITLE);
                out.limit_text(
                    &format!("{p}/description"),
                    &r.description,
                    caps::FINDING_DESCRIPTION,
                );
                out.limit_text(
                    &format!("{p}/measures"),
                    &r.measures,
                    caps::MEASURE_DESCRIPTION,
                );
                for (field, value) in [
                    ("likelihood", r.likelihood),
                    ("consequence", r.consequence),
                    ("residual_likelihood", r.residual_likelihood),
                    ("residual_consequence", r.residual_consequence),
                ] {
                    out.check(&format!("{p}/{field}"), check_scale(value));
                }
            },
        );
    }
}

/// What the controller sends to accept a verdict version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptanceInput {
    /// The verdict version accepted: it must be the one in force.
    pub assessment_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: i32,
    /// The name of the person accepting for the controller.
    pub accepted_by_name: String,
    /// Their role, e.g. "kommunalsjef oppvekst".
    pub accepted_by_role: String,
    #[serde(default)]
    pub note: String,
}

impl Validate for AcceptanceInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        if self.version < 1 {
            out.push(format!("{p}/version"), "versjoner begynner på 1");
        }
        out.require_text(
            &format!("{p}/accepted_by_name"),
            &self.accepted_by_name,
            caps::PERSON_NAME,
        );
        out.require_text(
            &format!("{p}/accepted_by_role"),
            &self.accepted_by_role,
            caps::ROLE_TITLE,
        );
        out.limit_text(&format!("{p}/note"), &self.note, caps::LOCAL_NOTE);
    }
}

/// The controller's acceptance of one verdict version, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acceptance {
    pub assessment_id: Uuid,
    pub version: i32,
    pub accepted_by_name: String,
    pub accepted_by_role: String,
    #[serde(default)]
    pub note: String,
    pub accepted_at: DateTime<Utc>,
    /// The token subject that recorded it.
    pub recorded_by: String,
}

crate::string_enum! {
    /// Where an entry stands, computed from the registry and the local part.
    pub enum EntryState {
        /// Accepted, the accepted version is in force, every condition followed up.
        Ready => "ready",
        /// Some condition of the verdict in force has no status, or no one
        /// has accepted it yet.
        LocalPartIncomplete => "local_part_incomplete",
        /// A local tool, or a registry tool no verdict is in force for.
        NoNationalVerdict => "no_national_verdict",
        /// The verdict in force is not the version accepted (a new version,
        /// or the accepted one withdrawn).
        ChangedSinceAcceptance => "changed_since_acceptance",
        /// The tool is discontinued in the registry.
        ToolWithdrawn => "tool_withdrawn",
    }
}

impl EntryState {
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Ready => "Klar",
            Self::LocalPartIncomplete => "Lokal del ufullstendig",
            Self::NoNationalVerdict => "Ingen nasjonal vurdering",
            Self::ChangedSinceAcceptance => "Nasjonal vurdering endret siden godkjenning",
            Self::ToolWithdrawn => "Verktøyet er trukket",
        }
    }
}

/// A verdict version by its assessment and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictRef {
    pub assessment_id: Uuid,
    pub version: i32,
}

/// What the registry knows that an entry's state depends on.
pub struct RegistryFacts<'a> {
    /// Whether the registry's tool is discontinued (false for a local tool).
    pub tool_discontinued: bool,
    /// The verdict in force for the tool now.
    pub in_force: Option<(VerdictRef, &'a crate::verdict::VerdictContent)>,
}

/// One condition of the verdict in force with the municipality's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConditionView {
    pub key: String,
    pub condition: crate::condition::Condition,
    /// None until the municipality gives one.
    pub status: Option<ConditionStatus>,
    pub note: String,
    pub evidence: String,
}

/// The computed state of an entry and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateReport {
    pub state: EntryState,
    pub state_label: String,
    /// Why, in Norwegian.
    pub reasons: Vec<String>,
    /// The verdict in force now, if any.
    pub in_force: Option<VerdictRef>,
    /// Every condition of the verdict in force, with the local status.
    pub conditions: Vec<ConditionView>,
    /// Conditions of the verdict in force without a status.
    pub conditions_missing: usize,
    /// Conditions of the verdict in force marked not done.
    pub conditions_not_done: usize,
}

/// Compute an entry's state. `accepted` is the content of the accepted
/// version, when one was accepted (and still readable).
pub fn entry_state(
    facts: &RegistryFacts<'_>,
    acceptance: Option<&Acceptance>,
    local: &LocalPart,
) -> StateReport {
    let in_force = facts.in_force.map(|(r, _)| r);
    let conditions: Vec<ConditionView> = facts
        .in_force
        .map(|(_, content)| {
            content
                .conditions
                .iter()
                .map(|c| {
                    let key = c.identity();
                    let follow_up = local.follow_up(&key);
                    ConditionView {
                        key,
                        condition: c.clone(),
                        status: follow_up.map(|f| f.status),
                        note: follow_up.map(|f| f.note.clone()).unwrap_or_default(),
                        evidence: follow_up.map(|f| f.evidence.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let conditions_missing = conditions.iter().filter(|c| c.status.is_none()).count();
    let conditions_not_done = conditions
        .iter()
        .filter(|c| c.status == Some(ConditionStatus::NotDone))
        .count();
    let accepted = acceptance.map(|a| VerdictRef {
        assessment_id: a.assessment_id,
        version: a.version,
    });
    let mut reasons = Vec::new();
    let state = if facts.tool_discontinued {
        reasons
            .push("Verktøyet er trukket fra registeret av leverandøren eller vurdererne.".into());
        EntryState::ToolWithdrawn
    } else if accepted.is_some() && accepted != in_force {
        match in_force {
            Some(now) => reasons.push(format!(
                "Dere godkjente versjon {} av vurderingen; nå gjelder versjon {} {}.",
                accepted.map_or(0, |a| a.version),
                now.version,
                if accepted.map(|a| a.assessment_id) == Some(now.assessment_id) {
                    "av samme vurdering"
                } else {
                    "av en annen vurdering"
                }
            )),
            None => reasons.push(
                "Vurderingen dere godkjente er trukket tilbake, og ingen annen gjelder nå.".into(),
            ),
        }
        EntryState::ChangedSinceAcceptance
    } else if in_force.is_none() {
        reasons.push("Det finnes ingen nasjonal vurdering av verktøyet som gjelder nå.".into());
        EntryState::NoNationalVerdict
    } else if conditions_missing > 0 || accepted.is_none() {
        if conditions_missing > 0 {
            reasons.push(format!(
                "{conditions_missing} av {} vilkår mangler lokal status.",
                conditions.len()
            ));
        }
        if accepted.is_none() {
            reasons.push("Behandlingsansvarlig har ikke godkjent vurderingen ennå.".into());
        }
        EntryState::LocalPartIncomplete
    } else {
        reasons.push("Godkjent, og alle vilkår har lokal status.".into());
        EntryState::Ready
    };
    StateReport {
        state,
        state_label: state.label_nb().to_string(),
        reasons,
        in_force,
        conditions,
        conditions_missing,
        conditions_not_done,
    }
}

/// A stored inventory entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryEntry {
    pub id: Uuid,
    pub organisation_id: Uuid,
    #[serde(flatten)]
    pub input: InventoryInput,
    pub local_part: LocalPart,
    pub screening: Option<Screening>,
    pub acceptance: Option<Acceptance>,
    /// When a verdict the acceptance rests on was last published anew or
    /// withdrawn; cleared by the next acceptance.
    pub verdict_changed_at: Option<DateTime<Utc>>,
    /// When the local tool was proposed to the national reviewers.
    pub proposed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An entry as its organisation reads it: the stored entry, the tool's
/// name, the computed state, and what changed since the acceptance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InventoryEntryView {
    #[serde(flatten)]
    pub entry: InventoryEntry,
    /// The registry's name for the tool, or the local name.
    pub tool_name: String,
    /// The registry tool's slug (none for a local tool).
    pub tool_slug: Option<String>,
    /// The vendor's name: the registry's, or as the municipality gave it.
    pub vendor_name: String,
    /// The level of the verdict in force, if any.
    pub verdict_level: Option<crate::verdict::VerdictLevel>,
    pub state: StateReport,
    /// The structured diff from the accepted version to the one in force,
    /// when the state is `changed_since_acceptance` and both exist.
    pub changes: Option<crate::diff::VerdictDiff>,
}

/// Counts for an organisation's overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCounts {
    pub ready: usize,
    pub local_part_incomplete: usize,
    pub no_national_verdict: usize,
    pub changed_since_acceptance: usize,
    pub tool_withdrawn: usize,
}

impl StateCounts {
    fn add(&mut self, state: EntryState) {
        let slot = match state {
            EntryState::Ready => &mut self.ready,
            EntryState::LocalPartIncomplete => &mut self.local_part_incomplete,
            EntryState::NoNationalVerdict => &mut self.no_national_verdict,
            EntryState::ChangedSinceAcceptance => &mut self.changed_since_acceptance,
            EntryState::ToolWithdrawn => &mut self.tool_withdrawn,
        };
        *slot += 1;
    }
}

/// A tool in use without a national verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnassessedTool {
    pub entry_id: Uuid,
    pub tool_name: String,
    pub tool_id: Option<Uuid>,
}

/// What an organisation's inventory looks like now. The counts are over
/// entries in use (trial, in use, phasing out); stopped ones are counted
/// apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub organisation_id: Uuid,
    /// Entries in use.
    pub in_use: usize,
    pub stopped: usize,
    pub by_state: StateCounts,
    /// In use without a signed data processing agreement.
    pub without_agreement: usize,
    /// In use and never screened.
    pub not_screened: usize,
    /// In use where the last screening says a DPIA is required.
    pub dpia_required: usize,
    /// Conditions of verdicts in force marked not done, over all entries.
    pub conditions_not_done: usize,
    /// Conditions of verdicts in force without a local status.
    pub conditions_missing: usize,
    /// Tools in use without any national verdict in force.
    pub tools_without_verdict: Vec<UnassessedTool>,
}

impl Overview {
    pub fn of(organisation_id: Uuid, views: &[InventoryEntryView]) -> Self {
        let mut o = Overview {
            organisation_id,
            in_use: 0,
            stopped: 0,
            by_state: StateCounts::default(),
            without_agreement: 0,
            not_screened: 0,
            dpia_required: 0,
            conditions_not_done: 0,
            conditions_missing: 0,
            tools_without_verdict: Vec::new(),
        };
        for v in views {
            let e = &v.entry;
            if !e.input.status.is_active() {
                o.stopped += 1;
                continue;
            }
            o.in_use += 1;
            o.by_state.add(v.state.state);
            if !matches!(e.input.agreement, ProcessingAgreement::Signed { .. }) {
                o.without_agreement += 1;
            }
            match &e.screening {
                None => o.not_screened += 1,
                Some(s) if s.outcome.dpia_required => o.dpia_required += 1,
                Some(_) => {}
            }
            o.conditions_not_done += v.state.conditions_not_done;
            o.conditions_missing += v.state.conditions_missing;
            if v.state.in_force.is_none() {
                o.tools_without_verdict.push(UnassessedTool {
                    entry_id: e.id,
                    tool_name: v.tool_name.clone(),
                    tool_id: e.input.tool.registry_id(),
                });
            }
        }
        o
    }
}

#[cfg(test)]
#[path = "inventory_tests.rs"]
mod tests;
