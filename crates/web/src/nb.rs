//! The catalogue's words in bokmål for the registry's coded values: every
//! label a page shows for an enum or a key lives here, and the prose lives
//! in `templates/nb`. Nynorsk follows as `nn.rs` and `templates/nn`.

use toolreg_core::condition::Audience;
use toolreg_core::data_flow::{DataSubject, LegalBasis};
use toolreg_core::document::DocumentKind;
use toolreg_core::finding::{FindingCategory, MeasureOwner, MeasureStatus, Treatment};
use toolreg_core::subprocessor::{SubprocessorRole, TransferMechanism};
use toolreg_core::tool::{AgeBand, LoginMethod, Platform, ProcessesPersonalData};
use toolreg_core::verdict::VerdictLevel;
use toolreg_search::query::{Facet, ThirdCountryTransfer};

pub fn age_band(a: AgeBand) -> &'static str {
    match a {
        AgeBand::Kindergarten => "Barnehage",
        AgeBand::Grades1To4 => "1.–4. trinn",
        AgeBand::Grades5To7 => "5.–7. trinn",
        AgeBand::Grades8To10 => "8.–10. trinn",
        AgeBand::UpperSecondary => "Videregående",
        AgeBand::Adult => "Voksenopplæring",
    }
}

pub fn login_method(l: LoginMethod) -> &'static str {
    match l {
        LoginMethod::None => "Uten innlogging",
        LoginMethod::Feide => "Feide",
        LoginMethod::VendorAccount => "Egen konto hos leverandøren",
        LoginMethod::Google => "Google-konto",
        LoginMethod::Microsoft => "Microsoft-konto",
        LoginMethod::Apple => "Apple-konto",
    }
}

pub fn platform(p: Platform) -> &'static str {
    match p {
        Platform::Web => "Nettleser",
        Platform::Ios => "iOS",
        Platform::Ipados => "iPadOS",
        Platform::Android => "Android",
        Platform::Windows => "Windows",
        Platform::Macos => "macOS",
        Platform::Chromeos => "ChromeOS",
        Platform::Linux => "Linux",
    }
}

pub fn processes_personal_data(p: ProcessesPersonalData) -> &'static str {
    match p {
        ProcessesPersonalData::Yes => "Behandler personopplysninger",
        ProcessesPersonalData::No => "Behandler ikke personopplysninger",
        ProcessesPersonalData::Unknown => "Ukjent om personopplysninger behandles",
    }
}

pub fn third_country(t: ThirdCountryTransfer) -> &'static str {
    match t {
        ThirdCountryTransfer::Yes => "Data utenfor EØS",
        ThirdCountryTransfer::No => "Data bare i EØS",
        ThirdCountryTransfer::Unknown => "Ukjent (ingen underleverandørliste)",
    }
}

/// A verdict level with the symbol that tells it without colour.
pub fn verdict_symbol(l: VerdictLevel) -> &'static str {
    match l {
        VerdictLevel::Approved => "✓",
        VerdictLevel::ApprovedWithConditions => "!",
        VerdictLevel::NotRecommended => "✕",
        VerdictLevel::NotAssessed => "?",
    }
}

/// The verdict in plain words, for a parent or a teacher.
pub fn verdict_plain(l: VerdictLevel) -> &'static str {
    match l {
        VerdictLevel::Approved => "kan brukes i skolen",
        VerdictLevel::ApprovedWithConditions => {
            "kan brukes i skolen når vilkårene under er oppfylt"
        }
        VerdictLevel::NotRecommended => "anbefales ikke brukt i skolen",
        VerdictLevel::NotAssessed => "er ikke vurdert ennå",
    }
}

/// What a level means, as the about page explains it.
pub fn verdict_meaning(l: VerdictLevel) -> &'static str {
    match l {
        VerdictLevel::Approved => "Verktøyet kan brukes i skolen.",
        VerdictLevel::ApprovedWithConditions => {
            "Verktøyet kan brukes når vilkårene i vurderingen er oppfylt, for eksempel innstillinger kommunen må gjøre."
        }
        VerdictLevel::NotRecommended => {
            "Risikoen for elevenes personvern er for høy slik verktøyet er i dag."
        }
        VerdictLevel::NotAssessed => "Ingen nasjonal vurdering gjelder for verktøyet.",
    }
}

pub fn audience(a: Audience) -> &'static str {
    match a {
        Audience::SchoolOwner => "Skoleeier (kommunen)",
        Audience::School => "Skolen",
        Audience::Teacher => "Læreren",
        Audience::Pupil => "Eleven",
        Audience::Guardian => "Foresatte",
        Audience::Vendor => "Leverandøren",
    }
}

pub fn finding_category(c: FindingCategory) -> &'static str {
    match c {
        FindingCategory::LegalBasis => "Behandlingsgrunnlag",
        FindingCategory::DataMinimisation => "Dataminimering",
        FindingCategory::Transparency => "Åpenhet",
        FindingCategory::DataSubjectRights => "De registrertes rettigheter",
        FindingCategory::Security => "Informasjonssikkerhet",
        FindingCategory::ThirdCountryTransfer => "Overføring til tredjeland",
        FindingCategory::Subprocessors => "Underleverandører",
        FindingCategory::Retention => "Lagringstid",
        FindingCategory::VendorOwnPurposes => "Leverandørens egne formål",
        FindingCategory::ChildrenSpecific => "Barn",
        FindingCategory::ArtificialIntelligence => "Kunstig intelligens",
        FindingCategory::Other => "Annet",
    }
}

pub fn measure_owner(o: MeasureOwner) -> &'static str {
    match o {
        MeasureOwner::Vendor => "leverandøren",
        MeasureOwner::SchoolOwner => "skoleeier",
        MeasureOwner::School => "skolen",
        MeasureOwner::Teacher => "læreren",
        MeasureOwner::Reviewer => "vurdereren",
    }
}

pub fn measure_status(s: MeasureStatus) -> &'static str {
    match s {
        MeasureStatus::Proposed => "foreslått",
        MeasureStatus::InProgress => "under arbeid",
        MeasureStatus::Implemented => "gjennomført",
        MeasureStatus::Verified => "bekreftet",
        MeasureStatus::Rejected => "avvist",
    }
}

pub fn treatment(t: Treatment) -> &'static str {
    match t {
        Treatment::Reduce => "reduseres",
        Treatment::Accept => "aksepteres",
        Treatment::Avoid => "unngås",
        Treatment::Transfer => "overføres",
    }
}

pub fn data_subject(s: DataSubject) -> &'static str {
    match s {
        DataSubject::Pupils => "elever",
        DataSubject::Teachers => "lærere",
        DataSubject::Staff => "ansatte",
        DataSubject::Guardians => "foresatte",
    }
}

pub fn legal_basis(b: LegalBasis) -> &'static str {
    match b {
        LegalBasis::Consent => "samtykke (art. 6 nr. 1 a)",
        LegalBasis::Contract => "avtale (art. 6 nr. 1 b)",
        LegalBasis::LegalObligation => "rettslig forpliktelse (art. 6 nr. 1 c)",
        LegalBasis::VitalInterests => "vitale interesser (art. 6 nr. 1 d)",
        LegalBasis::PublicTask => "allmennhetens interesse / offentlig myndighet (art. 6 nr. 1 e)",
        LegalBasis::LegitimateInterests => "berettiget interesse (art. 6 nr. 1 f)",
    }
}

pub fn transfer_mechanism(m: TransferMechanism) -> &'static str {
    match m {
        TransferMechanism::Eea => "innenfor EØS",
        TransferMechanism::Adequacy => "land med tilstrekkelig beskyttelsesnivå",
        TransferMechanism::Scc => "EUs standardavtaler (SCC)",
        TransferMechanism::Bcr => "bindende virksomhetsregler (BCR)",
        TransferMechanism::Dpf => "EU–US Data Privacy Framework",
        TransferMechanism::Derogation => "unntak etter art. 49",
        TransferMechanism::Unknown => "ukjent grunnlag",
    }
}

pub fn subprocessor_role(r: SubprocessorRole) -> &'static str {
    match r {
        SubprocessorRole::SubProcessor => "underdatabehandler",
        SubprocessorRole::IndependentController => "selvstendig behandlingsansvarlig",
        SubprocessorRole::JointController => "felles behandlingsansvarlig",
    }
}

pub fn document_kind(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::DpaTemplate => "Databehandleravtale (mal)",
        DocumentKind::Certificate => "Sertifikat",
        DocumentKind::SecurityWhitepaper => "Sikkerhetsbeskrivelse",
        DocumentKind::PrivacyPolicy => "Personvernerklæring",
        DocumentKind::Dpia => "DPIA",
        DocumentKind::PenetrationTest => "Penetrasjonstest",
        DocumentKind::Other => "Annet dokument",
    }
}

/// A tool category key in words; an unknown key as itself, readable.
pub fn category(key: &str) -> String {
    let known = match key {
        "collaboration" => "Samarbeid",
        "learning_platform" => "Læringsplattform",
        "programming" => "Programmering",
        "quiz" => "Quiz",
        "creative" => "Kreativt arbeid",
        "digital_textbook" => "Digitale læremidler",
        "office_suite" => "Kontorstøtte",
        "game_based_learning" => "Spillbasert læring",
        "school_administration" => "Skoleadministrasjon",
        "presentation" => "Presentasjon",
        "mathematics" => "Matematikk",
        "video_meeting" => "Videomøter",
        "generative_ai" => "Generativ KI",
        "device_management" => "Enhetsstyring",
        "classroom_management" => "Klasseromsstyring",
        "assignment" => "Oppgaver og innlevering",
        "feedback" => "Tilbakemelding",
        "writing" => "Skriving",
        "home_school_communication" => "Skole–hjem",
        "physical_activity" => "Fysisk aktivitet",
        "flashcards" => "Pugg og repetisjon",
        "reading_writing_support" => "Lese- og skrivestøtte",
        "media_library" => "Mediebibliotek",
        other => return other.replace('_', " "),
    };
    known.to_string()
}

/// The heading of a facet's filter group.
pub fn facet(f: Facet) -> &'static str {
    match f {
        Facet::VerdictLevel => "Vurdering",
        Facet::Category => "Kategori",
        Facet::AgeBand => "Alderstrinn",
        Facet::LoginMethod => "Innlogging",
        Facet::Platform => "Plattform",
        Facet::ThirdCountry => "Data utenfor EØS",
        Facet::Vendor => "Leverandør",
        Facet::ProcessesPersonalData => "Personopplysninger",
    }
}

/// One facet value in words (vendor ids are named by the caller).
pub fn facet_value(f: Facet, value: &str) -> String {
    fn parsed<T: std::str::FromStr>(value: &str, label: fn(T) -> &'static str) -> String {
        value
            .parse::<T>()
            .map(|v| label(v).to_string())
            .unwrap_or_else(|_| value.to_string())
    }
    match f {
        Facet::VerdictLevel => parsed(value, VerdictLevel::label_nb),
        Facet::Category => category(value),
        Facet::AgeBand => parsed(value, age_band),
        Facet::LoginMethod => parsed(value, login_method),
        Facet::Platform => parsed(value, platform),
        Facet::ThirdCountry => parsed(value, third_country),
        Facet::ProcessesPersonalData => parsed(value, processes_personal_data),
        Facet::Vendor => value.to_string(),
    }
}

/// A country by its ISO code, in words where the registry meets it often;
/// any other code as it is, upper case.
pub fn country(code: &str) -> String {
    let upper = code.trim().to_ascii_uppercase();
    let name = match upper.as_str() {
        "NO" => "Norge",
        "SE" => "Sverige",
        "DK" => "Danmark",
        "FI" => "Finland",
        "IS" => "Island",
        "DE" => "Tyskland",
        "NL" => "Nederland",
        "BE" => "Belgia",
        "FR" => "Frankrike",
        "IE" => "Irland",
        "LU" => "Luxembourg",
        "AT" => "Østerrike",
        "PL" => "Polen",
        "ES" => "Spania",
        "IT" => "Italia",
        "EE" => "Estland",
        "US" => "USA",
        "GB" => "Storbritannia",
        "CH" => "Sveits",
        "CA" => "Canada",
        "IN" => "India",
        "SG" => "Singapore",
        "JP" => "Japan",
        "AU" => "Australia",
        "IL" => "Israel",
        "BR" => "Brasil",
        "PH" => "Filippinene",
        "KR" => "Sør-Korea",
        "CN" => "Kina",
        "ZA" => "Sør-Afrika",
        "UA" => "Ukraina",
        _ => return upper,
    };
    format!("{name} ({upper})")
}

/// A date as Norwegians write it: 1. september 2026.
pub fn date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    format!("{}. {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_values_read_as_norwegian() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
        assert_eq!(date(d), "1. september 2026");
        assert_eq!(facet_value(Facet::AgeBand, "grades_5_7"), "5.–7. trinn");
        assert_eq!(facet_value(Facet::VerdictLevel, "approved"), "Godkjent");
        assert_eq!(category("quiz"), "Quiz");
        assert_eq!(category("new_kind"), "new kind");
        assert_eq!(facet_value(Facet::Platform, "nonsense"), "nonsense");
    }
}
