//! Deterministic synthetic data shaped like the sample data: vendors with
//! tools, a two-level subprocessor chain per tool, one assessment per tool
//! with one or two published verdict versions.

use chrono::{DateTime, Duration, TimeZone, Utc};
use toolreg_core::assessment::{Assessment, AssessmentKind, AssessmentStatus};
use toolreg_core::condition::{Audience, Condition};
use toolreg_core::data_flow::{DataFlow, DataSubject, LegalBasis};
use toolreg_core::finding::{
    Finding, FindingCategory, Measure, MeasureOwner, MeasureStatus, Provenance, Treatment,
};
use toolreg_core::organisation::{OrganisationInput, OrganisationKind};
use toolreg_core::subprocessor::{
    SubprocessorEntry, SubprocessorRevision, SubprocessorRole, TransferMechanism,
};
use toolreg_core::tool::{
    AgeBand, LoginMethod, PersonalDataBasis, Platform, Pricing, ProcessesPersonalData, ToolInput,
    ToolStatus,
};
use toolreg_core::verdict::{ReviewedSubprocessors, VerdictContent, VerdictLevel, VerdictVersion};
use toolreg_store::ops::bulk::BulkSet;
use uuid::Uuid;

/// A tiny deterministic generator (SplitMix64) so runs are comparable
/// without pulling in a random-number crate.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn scale(&mut self) -> u8 {
        (self.next() % 5) as u8 + 1
    }
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0xb0b0_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn organisations(vendors: usize) -> Vec<(Uuid, OrganisationInput)> {
    let mut out = vec![(
        id(1),
        OrganisationInput {
            kind: OrganisationKind::Reviewer,
            name: "Benchmark reviewer".into(),
            org_number: None,
            municipality_number: None,
            country: Some("NO".into()),
            website: None,
        },
    )];
    out.extend((0..vendors).map(|v| {
        (
            id(1_000_000 + v as u128),
            OrganisationInput {
                kind: OrganisationKind::Vendor,
                name: format!("Leverandør {v:05}"),
                org_number: None,
                municipality_number: None,
                country: Some("NO".into()),
                website: Some(format!("https://vendor{v}.example")),
            },
        )
    }));
    out
}

fn tool(i: usize, vendor: Uuid, mix: &mut Mix) -> ToolInput {
    ToolInput {
        slug: format!("tool-{i:06}"),
        name: format!("Verktøy {i:06}"),
        vendor_id: vendor,
        summary: "Syntetisk verktøy for lasttest av registeret.".into(),
        website: Some(format!("https://tool{i}.example")),
        categories: vec![mix
            .pick(&[
                "quiz",
                "learning_platform",
                "creative",
                "mathematics",
                "programming",
            ])
            .into()],
        age_bands: vec![mix.pick(&[
            AgeBand::Grades1To4,
            AgeBand::Grades5To7,
            AgeBand::Grades8To10,
            AgeBand::UpperSecondary,
        ])],
        login_methods: vec![mix.pick(&[
            LoginMethod::Feide,
            LoginMethod::Google,
            LoginMethod::Microsoft,
        ])],
        platforms: vec![Platform::Web, Platform::Ios],
        pricing: Some(mix.pick(&[Pricing::Free, Pricing::Paid, Pricing::Freemium])),
        processes_personal_data: ProcessesPersonalData::Yes,
        personal_data_basis: vec![PersonalDataBasis::Account, PersonalDataBasis::Ip],
        feide_attributes: vec![],
        ai_features: vec![],
        status: ToolStatus::Active,
    }
}

fn chain(mix: &mut Mix) -> Vec<SubprocessorEntry> {
    let entry = |id: &str, parent: Option<&str>, country: &str, m| SubprocessorEntry {
        id: id.into(),
        parent: parent.map(Into::into),
        name: id.to_uppercase(),
        legal_id: None,
        country: country.into(),
        role: SubprocessorRole::SubProcessor,
        purpose: "Drift".into(),
        data_categories: vec!["konto".into()],
        processing_countries: vec![],
        transfer_mechanism: m,
    };
    let third = mix.pick(&["US", "IN", "GB"]);
    vec![
        entry("hosting", None, "IE", TransferMechanism::Eea),
        entry("cdn", Some("hosting"), "US", TransferMechanism::Dpf),
        entry("support", Some("cdn"), third, TransferMechanism::Scc),
        entry("mail", None, "SE", TransferMechanism::Eea),
    ]
}

fn content(tool_id: Uuid, level: VerdictLevel, mix: &mut Mix) -> VerdictContent {
    let (l, c) = (mix.scale(), mix.scale());
    VerdictContent {
        level,
        summary: format!("Konklusjon: {}", level.label_nb()),
        rationale: "Syntetisk begrunnelse".into(),
        conditions: vec![Condition {
            text: "Bruk skolekonto".into(),
            audience: Audience::SchoolOwner,
            setting_key: Some("login.school_account".into()),
            mandatory: true,
        }],
        findings: vec![Finding {
            reference: "R1".into(),
            title: "Overføring til tredjeland".into(),
            description: String::new(),
            category: FindingCategory::ThirdCountryTransfer,
            gdpr_articles: vec!["44".into()],
            likelihood: l,
            consequence: c,
            measures: vec![Measure {
                description: "Standardkontrakter".into(),
                owner: MeasureOwner::Vendor,
                status: MeasureStatus::Implemented,
            }],
            residual_likelihood: 1,
            residual_consequence: c,
            treatment: Treatment::Reduce,
            provenance: Provenance::ContractReview,
        }],
        data_flows: vec![DataFlow {
            data_category: "Konto".into(),
            subjects: vec![DataSubject::Pupils],
            purpose: "Innlogging".into(),
            storage_countries: vec!["IE".into()],
            retention: "Til kontoen slettes".into(),
            recipients: vec![],
            legal_basis: LegalBasis::PublicTask,
            vendor_own_purposes: false,
        }],
        subprocessor_revisions: vec![ReviewedSubprocessors {
            tool_id,
            revision: 1,
        }],
        review_due: None,
    }
}

/// `tools` tools spread over `tools / 10` vendors.
pub fn dataset(tools: usize) -> BulkSet {
    let mut mix = Mix(42);
    let vendors = (tools / 10).max(1);
    let orgs = organisations(vendors);
    let t0 = base_time();
    let mut set = BulkSet {
        organisations: orgs,
        ..Default::default()
    };
    for i in 0..tools {
        let tool_id = id(10_000_000 + i as u128);
        let vendor = id(1_000_000 + (i % vendors) as u128);
        set.tools.push((tool_id, tool(i, vendor, &mut mix)));
        set.subprocessor_revisions.push(SubprocessorRevision {
            id: id(20_000_000 + i as u128),
            tool_id,
            revision: 1,
            note: String::new(),
            source_url: None,
            entries: chain(&mut mix),
            created_at: t0,
            created_by: "bench".into(),
        });
        let assessment_id = id(30_000_000 + i as u128);
        // Every third tool has a second version that changed the level.
        let levels: &[VerdictLevel] = if i % 3 == 0 {
            &[
                VerdictLevel::NotRecommended,
                VerdictLevel::ApprovedWithConditions,
            ]
        } else {
            &[VerdictLevel::ApprovedWithConditions]
        };
        for (n, level) in levels.iter().enumerate() {
            let c = content(tool_id, *level, &mut mix);
            set.verdicts.push(VerdictVersion {
                id: id(40_000_000 + (i * 2 + n) as u128),
                assessment_id,
                version: n as i32 + 1,
                content_sha256: c.sha256(),
                content: c,
                change_note: String::new(),
                published_at: t0 + Duration::days(30 * (n as i64 + 1)),
                published_by: "bench".into(),
            });
        }
        let latest_version = set.verdicts.last().map(|v| v.version);
        set.assessments.push(Assessment {
            id: assessment_id,
            kind: AssessmentKind::Dpia,
            title: format!("DPIA for verktøy {i:06}"),
            tool_ids: vec![tool_id],
            reviewer_org_id: id(1),
            status: AssessmentStatus::Published,
            draft: None,
            draft_revision: 1,
            draft_updated_by: None,
            latest_version,
            withdrawal: None,
            created_at: t0,
            updated_at: t0,
        });
    }
    set
}
