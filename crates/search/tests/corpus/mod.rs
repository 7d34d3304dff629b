//! A small registry whose tools exercise what the search contract checks:
//! names with Norwegian letters, inflected forms, a subprocessor with a
//! short synonym, verdicts and transfers to filter and count.

use toolreg_search::document::IndexedVerdict;
use toolreg_search::SearchDocument;
use uuid::Uuid;

pub struct Corpus {
    pub all: Vec<SearchDocument>,
}

struct Tool<'a> {
    name: &'a str,
    vendor: &'a str,
    summary: &'a str,
    level: &'a str,
    third_country: &'a str,
    subprocessors: &'a [&'a str],
    ai: &'a [&'a str],
    categories: &'a [&'a str],
}

fn document(t: &Tool) -> SearchDocument {
    let id = Uuid::new_v5(&Uuid::NAMESPACE_URL, t.name.as_bytes());
    let level = t.level.parse().ok();
    SearchDocument {
        id,
        slug: toolreg_core::slug::slugify(t.name),
        name: t.name.into(),
        vendor_id: Uuid::new_v5(&Uuid::NAMESPACE_URL, t.vendor.as_bytes()),
        vendor_name: t.vendor.into(),
        summary: t.summary.into(),
        categories: t.categories.iter().map(|c| c.to_string()).collect(),
        age_bands: vec!["grades_5_7".into()],
        login_methods: vec!["feide".into()],
        platforms: vec!["web".into()],
        processes_personal_data: "yes".into(),
        third_country: t.third_country.into(),
        verdict_level: t.level.into(),
        verdict: level
            .filter(|_| t.level != "not_assessed")
            .map(|level| IndexedVerdict {
                assessment_id: id,
                version: 1,
                level,
                published_at: chrono::DateTime::UNIX_EPOCH,
            }),
        subprocessors: t.subprocessors.iter().map(|s| s.to_string()).collect(),
        data_categories: vec!["navn".into()],
        ai_features: t.ai.iter().map(|s| s.to_string()).collect(),
        findings: vec![],
        conditions: vec![],
    }
}

pub fn corpus() -> Corpus {
    let tools = [
        Tool {
            name: "Kahoot!",
            vendor: "Kahoot ASA",
            summary: "Quiz og spørrekonkurranser i klasserommet",
            level: "approved_with_conditions",
            third_country: "yes",
            subprocessors: &["Amazon Web Services", "Google LLC"],
            ai: &[],
            categories: &["quiz"],
        },
        Tool {
            name: "GeoGebra",
            vendor: "GeoGebra GmbH",
            summary: "Dynamisk matematikk for geometri og algebra",
            level: "not_assessed",
            third_country: "no",
            subprocessors: &["Hetzner Online"],
            ai: &[],
            categories: &["matematikk"],
        },
        Tool {
            name: "Minecraft Education",
            vendor: "Microsoft",
            summary: "Byggeverden for læring og programmering",
            level: "not_assessed",
            third_country: "yes",
            subprocessors: &["Microsoft Ireland"],
            ai: &[],
            categories: &["programmering"],
        },
        Tool {
            name: "Skolearena",
            vendor: "Skolearena AS",
            summary: "Læringsplattform for grunnskolen, med Kahoot-integrasjon",
            level: "not_recommended",
            third_country: "no",
            subprocessors: &[],
            ai: &[],
            categories: &["læringsplattform"],
        },
        Tool {
            name: "Matteverkstedet",
            vendor: "Verkstedet AS",
            summary: "Én oppgave om dagen i matematikk",
            level: "approved",
            third_country: "unknown",
            subprocessors: &[],
            ai: &[],
            categories: &["matematikk"],
        },
        Tool {
            name: "Skrivestua",
            vendor: "Skrivestua AS",
            summary: "Verktøyet for skriving i alle fag",
            level: "not_assessed",
            third_country: "no",
            subprocessors: &["Amazon Web Services"],
            ai: &["Skriveassistent basert på kunstig intelligens"],
            categories: &["norsk"],
        },
        Tool {
            name: "Språkløype",
            vendor: "Språkløype AS",
            summary: "Norsk språk for de yngste",
            level: "not_assessed",
            third_country: "no",
            subprocessors: &[],
            ai: &[],
            categories: &["norsk"],
        },
        Tool {
            name: "Blåbærskogen",
            vendor: "Blåbær Læring",
            summary: "Naturfag ute i skogen",
            level: "approved",
            third_country: "no",
            subprocessors: &[],
            ai: &[],
            categories: &["naturfag"],
        },
    ];
    Corpus {
        all: tools.iter().map(document).collect(),
    }
}

/// The ids of the named tools.
pub fn ids_of(all: &[SearchDocument], names: &[&str]) -> Vec<Uuid> {
    all.iter()
        .filter(|d| names.contains(&d.name.as_str()))
        .map(|d| d.id)
        .collect()
}
