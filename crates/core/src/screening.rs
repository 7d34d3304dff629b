//! Screening before use: does the tool process personal data (plain
//! questions, each explained, since Datatilsynet's audit found schools often
//! believe it does not), and is a full DPIA required — the nine criteria of
//! the EDPB guidelines (WP248 rev.01), where two or more mean yes, and
//! Datatilsynet's list of processing that always requires one.

use crate::caps;
use crate::data_flow::DataSubject;
use crate::tool::{LoginMethod, PersonalDataBasis, ProcessesPersonalData, ToolInput};
use crate::validation::{Validate, Violations};
use crate::verdict::VerdictContent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The plain questions about personal data.
    pub enum PersonalDataQuestion {
        SignIn => "sign_in",
        IpAddress => "ip_address",
        DeviceIdentifiers => "device_identifiers",
        FreeText => "free_text",
        Pictures => "pictures",
        Sound => "sound",
        Location => "location",
        UsageLogs => "usage_logs",
    }
}

impl PersonalDataQuestion {
    pub fn text_nb(self) -> &'static str {
        match self {
            Self::SignIn => {
                "Logger elever eller ansatte inn (Feide, Google, Microsoft, egen konto)?"
            }
            Self::IpAddress => "Kobler verktøyet seg til internett?",
            Self::DeviceIdentifiers => {
                "Leser verktøyet enhets-ID, reklame-ID eller informasjonskapsler?"
            }
            Self::FreeText => "Kan brukerne skrive fritekst (svar, kommentarer, chat)?",
            Self::Pictures => "Kan brukerne laste opp eller ta bilder eller video?",
            Self::Sound => "Tar verktøyet opp lyd eller tale?",
            Self::Location => "Samler verktøyet inn posisjon (GPS eller annen lokasjon)?",
            Self::UsageLogs => {
                "Lagrer verktøyet hva den enkelte gjør (logger, resultater, fremdrift)?"
            }
        }
    }

    pub fn explanation_nb(self) -> &'static str {
        match self {
            Self::SignIn => "Et brukernavn, en Feide-identitet eller en e-postadresse peker på én person. Innlogging betyr alltid behandling av personopplysninger.",
            Self::IpAddress => "Alle nettjenester ser IP-adressen til enheten, og en IP-adresse er en personopplysning når den kan knyttes til en elev eller en skole. Et verktøy uten innlogging kan derfor også behandle personopplysninger.",
            Self::DeviceIdentifiers => "Identifikatorer som følger enheten kan spore den samme eleven over tid og på tvers av tjenester, også uten navn.",
            Self::FreeText => "Det elever skriver fritt kan inneholde navn, helse, familieforhold og annet – også særlige kategorier – selv om verktøyet ikke ber om det.",
            Self::Pictures => "Bilder og video viser ansikter, stemmer og omgivelser og er personopplysninger om alle som kan kjennes igjen.",
            Self::Sound => "Opptak av stemme er personopplysninger, og kan bli biometriske hvis de brukes til å kjenne igjen personen.",
            Self::Location => "Posisjon viser hvor en elev er og har vært, og regnes som særlig inngripende.",
            Self::UsageLogs => "Resultater og aktivitetslogger om den enkelte er personopplysninger, og kan brukes til å vurdere eleven.",
        }
    }
}

crate::string_enum! {
    /// The answer to one plain question. (Not `Answer`: the requirement
    /// catalogue's answers have that name in the OpenAPI document.)
    pub enum ScreeningAnswer {
        Yes => "yes",
        No => "no",
        Unknown => "unknown",
    }
}

crate::string_enum! {
    /// The nine criteria of the EDPB's DPIA guidelines (WP248 rev.01).
    pub enum DpiaCriterion {
        EvaluationOrScoring => "evaluation_or_scoring",
        AutomatedDecisions => "automated_decisions",
        SystematicMonitoring => "systematic_monitoring",
        SensitiveData => "sensitive_data",
        LargeScale => "large_scale",
        MatchingDatasets => "matching_datasets",
        VulnerableDataSubjects => "vulnerable_data_subjects",
        InnovativeTechnology => "innovative_technology",
        PreventsExerciseOfRights => "prevents_exercise_of_rights",
    }
}

impl DpiaCriterion {
    pub fn text_nb(self) -> &'static str {
        match self {
            Self::EvaluationOrScoring => {
                "Evaluering eller poengsetting, også profilering og prediksjon"
            }
            Self::AutomatedDecisions => {
                "Automatiserte avgjørelser med rettslig eller tilsvarende betydelig virkning"
            }
            Self::SystematicMonitoring => "Systematisk monitorering",
            Self::SensitiveData => "Særlige kategorier eller svært personlige opplysninger",
            Self::LargeScale => "Behandling i stor skala",
            Self::MatchingDatasets => "Sammenstilling eller kombinasjon av datasett",
            Self::VulnerableDataSubjects => "Sårbare registrerte – barn er det",
            Self::InnovativeTechnology => {
                "Innovativ bruk eller ny teknologi, for eksempel kunstig intelligens"
            }
            Self::PreventsExerciseOfRights => {
                "Behandlingen hindrer de registrerte i å utøve en rettighet eller bruke en tjeneste"
            }
        }
    }
}

crate::string_enum! {
    /// Processing on Datatilsynet's list that always requires a DPIA (the
    /// items that can concern schools).
    pub enum AlwaysRequiresDpia {
        EvaluatingLearning => "evaluating_learning",
        CameraSurveillanceInSchool => "camera_surveillance_in_school",
        LocationDataLargeScale => "location_data_large_scale",
        BiometricIdentification => "biometric_identification",
        GeneticData => "genetic_data",
        EmployeeMonitoring => "employee_monitoring",
        InnovativeTechnologyWithCriterion => "innovative_technology_with_criterion",
        SpecialCategoriesForAlgorithms => "special_categories_for_algorithms",
    }
}

impl AlwaysRequiresDpia {
    pub fn text_nb(self) -> &'static str {
        match self {
            Self::EvaluatingLearning => "Behandling av personopplysninger for å evaluere læring, mestring og trivsel i skole eller barnehage",
            Self::CameraSurveillanceInSchool => "Kameraovervåking i skole eller barnehage i åpningstiden",
            Self::LocationDataLargeScale => "Innsamling av posisjonsdata i stor skala",
            Self::BiometricIdentification => "Behandling av biometriske opplysninger for å identifisere personer i stor skala",
            Self::GeneticData => "Behandling av genetiske opplysninger i stor skala",
            Self::EmployeeMonitoring => "Systematisk monitorering av ansattes bruk av e-post, nett eller andre verktøy",
            Self::InnovativeTechnologyWithCriterion => "Innovativ teknologi sammen med minst ett annet kriterium",
            Self::SpecialCategoriesForAlgorithms => "Særlige kategorier eller svært personlige opplysninger brukt til å trene algoritmer",
        }
    }
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonalDataAnswer {
    pub question: PersonalDataQuestion,
    pub answer: ScreeningAnswer,
}

/// The answers a municipality gives (or the registry proposes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreeningInput {
    /// One answer per plain question; a question left out is unknown.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ PersonalDataQuestion::ALL.len() }, _, _>"
    )]
    pub personal_data: Vec<PersonalDataAnswer>,
    /// The WP248 criteria that apply.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ DpiaCriterion::ALL.len() }, _, _>"
    )]
    pub dpia_criteria: Vec<DpiaCriterion>,
    /// Items of Datatilsynet's list that apply.
    #[serde(
        default,
        deserialize_with = "crate::caps::at_most::<{ AlwaysRequiresDpia::ALL.len() }, _, _>"
    )]
    pub always_requires_dpia: Vec<AlwaysRequiresDpia>,
    #[serde(default)]
    pub note: String,
}

impl Validate for ScreeningInput {
    fn validate_at(&self, p: &str, out: &mut Violations) {
        let questions: Vec<_> = self.personal_data.iter().map(|a| a.question).collect();
        out.distinct_within(
            &format!("{p}/personal_data"),
            &questions,
            PersonalDataQuestion::ALL.len(),
        );
        out.distinct_within(
            &format!("{p}/dpia_criteria"),
            &self.dpia_criteria,
            DpiaCriterion::ALL.len(),
        );
        out.distinct_within(
            &format!("{p}/always_requires_dpia"),
            &self.always_requires_dpia,
            AlwaysRequiresDpia::ALL.len(),
        );
        out.limit_text(&format!("{p}/note"), &self.note, caps::LOCAL_NOTE);
    }
}

crate::string_enum! {
    pub enum DpiaOutcome {
        /// Two or more criteria, or an item of Datatilsynet's list.
        Required => "required",
        /// One criterion: not required by the rule of thumb, but weigh it.
        Consider => "consider",
        NotRequired => "not_required",
    }
}

/// What the answers lead to, with the reasons in Norwegian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningOutcome {
    pub processes_personal_data: ProcessesPersonalData,
    pub dpia: DpiaOutcome,
    pub dpia_required: bool,
    pub reasons: Vec<String>,
}

impl ScreeningInput {
    pub fn answer(&self, q: PersonalDataQuestion) -> ScreeningAnswer {
        self.personal_data
            .iter()
            .find(|a| a.question == q)
            .map_or(ScreeningAnswer::Unknown, |a| a.answer)
    }

    /// Apply the rules: personal data when any answer is yes; a DPIA when
    /// two or more criteria apply or an item of Datatilsynet's list does.
    pub fn outcome(&self) -> ScreeningOutcome {
        let mut reasons = Vec::new();
        let yes: Vec<_> = PersonalDataQuestion::ALL
            .iter()
            .filter(|q| self.answer(**q) == ScreeningAnswer::Yes)
            .collect();
        let unknown = PersonalDataQuestion::ALL
            .iter()
            .filter(|q| self.answer(**q) == ScreeningAnswer::Unknown)
            .count();
        let processes = if !yes.is_empty() {
            for q in &yes {
                reasons.push(format!("Personopplysninger: {}", q.explanation_nb()));
            }
            ProcessesPersonalData::Yes
        } else if unknown > 0 {
            reasons.push(format!(
                "{unknown} spørsmål om personopplysninger er ubesvart; finn ut før bruk."
            ));
            ProcessesPersonalData::Unknown
        } else {
            reasons.push(
                "Alle svar sier nei: verktøyet ser ikke ut til å behandle personopplysninger."
                    .into(),
            );
            ProcessesPersonalData::No
        };
        for c in &self.dpia_criteria {
            reasons.push(format!("Kriterium: {}.", c.text_nb()));
        }
        for item in &self.always_requires_dpia {
            reasons.push(format!(
                "Datatilsynets liste krever alltid DPIA ved: {}.",
                item.text_nb()
            ));
        }
        let dpia = if processes == ProcessesPersonalData::No {
            reasons.push("Uten personopplysninger kreves ingen DPIA.".into());
            DpiaOutcome::NotRequired
        } else if !self.always_requires_dpia.is_empty() {
            reasons.push("Behandlingen står på Datatilsynets liste: DPIA kreves.".into());
            DpiaOutcome::Required
        } else if self.dpia_criteria.len() >= 2 {
            reasons.push(format!(
                "{} kriterier er oppfylt; to eller flere betyr at DPIA kreves.",
                self.dpia_criteria.len()
            ));
            DpiaOutcome::Required
        } else if self.dpia_criteria.len() == 1 {
            reasons.push("Ett kriterium er oppfylt: DPIA kreves ikke etter tommelfingerregelen, men vurder det og begrunn valget.".into());
            DpiaOutcome::Consider
        } else {
            reasons.push("Ingen kriterier er oppfylt: DPIA kreves ikke.".into());
            DpiaOutcome::NotRequired
        };
        ScreeningOutcome {
            processes_personal_data: processes,
            dpia,
            dpia_required: dpia == DpiaOutcome::Required,
            reasons,
        }
    }

    /// No answers yet: every question unknown, no criterion.
    pub fn blank() -> Self {
        Self {
            personal_data: Vec::new(),
            dpia_criteria: Vec::new(),
            always_requires_dpia: Vec::new(),
            note: String::new(),
        }
    }

    /// The answers the registry's facts support: from the tool's reviewed
    /// facts (personal data, sign-in, AI features) and the verdict in force
    /// (who the data is about). What they cannot tell stays unknown.
    pub fn prefill(tool: &ToolInput, verdict: Option<&VerdictContent>) -> Self {
        use PersonalDataBasis as B;
        use PersonalDataQuestion as Q;
        let has = |b: B| tool.personal_data_basis.contains(&b);
        let signs_in = tool.login_methods.iter().any(|m| *m != LoginMethod::None);
        let mut personal_data = Vec::new();
        let mut set = |q: Q, yes: bool| {
            if yes {
                personal_data.push(PersonalDataAnswer {
                    question: q,
                    answer: ScreeningAnswer::Yes,
                });
            }
        };
        set(Q::SignIn, signs_in || has(B::Account) || has(B::Name));
        // Every online tool sees the address; only a tool known to process
        // none is left to the municipality.
        set(
            Q::IpAddress,
            has(B::Ip) || tool.processes_personal_data == ProcessesPersonalData::Yes,
        );
        set(Q::DeviceIdentifiers, has(B::DeviceId) || has(B::Trackers));
        set(Q::FreeText, has(B::FreeText));
        set(Q::Pictures, has(B::Images));
        set(Q::Sound, has(B::Audio));
        set(Q::Location, has(B::Geolocation));
        set(Q::UsageLogs, has(B::Behaviour) || has(B::Grades));
        let mut criteria = Vec::new();
        let about_pupils = verdict.is_some_and(|v| {
            v.data_flows
                .iter()
                .any(|f| f.subjects.contains(&DataSubject::Pupils))
        }) || !tool.age_bands.is_empty();
        if about_pupils {
            criteria.push(DpiaCriterion::VulnerableDataSubjects);
        }
        if has(B::Health) {
            criteria.push(DpiaCriterion::SensitiveData);
        }
        if has(B::Trackers) || has(B::Behaviour) {
            criteria.push(DpiaCriterion::SystematicMonitoring);
        }
        if has(B::Grades) {
            criteria.push(DpiaCriterion::EvaluationOrScoring);
        }
        if !tool.ai_features.is_empty() {
            criteria.push(DpiaCriterion::InnovativeTechnology);
        }
        if verdict.is_some_and(|v| v.data_flows.iter().any(|f| f.vendor_own_purposes)) {
            criteria.push(DpiaCriterion::MatchingDatasets);
        }
        let mut always = Vec::new();
        if has(B::Grades) {
            always.push(AlwaysRequiresDpia::EvaluatingLearning);
        }
        if !tool.ai_features.is_empty() && criteria.len() > 1 {
            always.push(AlwaysRequiresDpia::InnovativeTechnologyWithCriterion);
        }
        Self {
            personal_data,
            dpia_criteria: criteria,
            always_requires_dpia: always,
            note: String::new(),
        }
    }
}

/// A stored screening: the answers, what they led to, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Screening {
    pub answers: ScreeningInput,
    pub outcome: ScreeningOutcome,
    pub screened_at: DateTime<Utc>,
    pub screened_by: String,
}

/// One question of the questionnaire, as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionText {
    /// The value to send.
    pub code: String,
    pub text: String,
    /// Why it matters (personal-data questions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// The whole questionnaire, in Norwegian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Questionnaire {
    pub personal_data: Vec<QuestionText>,
    pub dpia_criteria: Vec<QuestionText>,
    pub always_requires_dpia: Vec<QuestionText>,
    /// The rule the outcome follows.
    pub rule: String,
}

pub fn questionnaire() -> Questionnaire {
    let text = |code: &str, text: &str| QuestionText {
        code: code.to_string(),
        text: text.to_string(),
        explanation: None,
    };
    Questionnaire {
        personal_data: PersonalDataQuestion::ALL
            .iter()
            .map(|q| QuestionText {
                explanation: Some(q.explanation_nb().to_string()),
                ..text(q.as_str(), q.text_nb())
            })
            .collect(),
        dpia_criteria: DpiaCriterion::ALL
            .iter()
            .map(|c| text(c.as_str(), c.text_nb()))
            .collect(),
        always_requires_dpia: AlwaysRequiresDpia::ALL
            .iter()
            .map(|c| text(c.as_str(), c.text_nb()))
            .collect(),
        rule: "Behandler verktøyet personopplysninger (minst ett ja), kreves DPIA når to eller flere kriterier er oppfylt, eller når behandlingen står på Datatilsynets liste. Ett kriterium: vurder og begrunn.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(yes: &[PersonalDataQuestion], criteria: &[DpiaCriterion]) -> ScreeningInput {
        ScreeningInput {
            personal_data: PersonalDataQuestion::ALL
                .iter()
                .map(|q| PersonalDataAnswer {
                    question: *q,
                    answer: if yes.contains(q) {
                        ScreeningAnswer::Yes
                    } else {
                        ScreeningAnswer::No
                    },
                })
                .collect(),
            dpia_criteria: criteria.to_vec(),
            always_requires_dpia: Vec::new(),
            note: String::new(),
        }
    }

    #[test]
    fn two_criteria_require_a_dpia_one_asks_to_consider() {
        use DpiaCriterion as C;
        use PersonalDataQuestion as Q;
        let two = answers(&[Q::SignIn], &[C::VulnerableDataSubjects, C::LargeScale]).outcome();
        assert_eq!(two.processes_personal_data, ProcessesPersonalData::Yes);
        assert_eq!(two.dpia, DpiaOutcome::Required);
        assert!(two.dpia_required);
        assert!(
            two.reasons.iter().any(|r| r.contains("to eller flere")),
            "{:?}",
            two.reasons
        );
        let one = answers(&[Q::SignIn], &[C::VulnerableDataSubjects]).outcome();
        assert_eq!(one.dpia, DpiaOutcome::Consider);
        assert!(!one.dpia_required);
    }

    #[test]
    fn no_personal_data_needs_no_dpia_and_unknown_is_not_no() {
        let none = answers(
            &[],
            &[DpiaCriterion::LargeScale, DpiaCriterion::SensitiveData],
        );
        let out = none.outcome();
        assert_eq!(out.processes_personal_data, ProcessesPersonalData::No);
        assert_eq!(out.dpia, DpiaOutcome::NotRequired);
        let blank = ScreeningInput {
            personal_data: Vec::new(),
            ..none
        };
        let out = blank.outcome();
        assert_eq!(out.processes_personal_data, ProcessesPersonalData::Unknown);
        // Unknown is treated as possibly yes: the criteria still count.
        assert_eq!(out.dpia, DpiaOutcome::Required);
    }

    #[test]
    fn an_item_on_datatilsynets_list_alone_requires_a_dpia() {
        let mut a = answers(&[PersonalDataQuestion::UsageLogs], &[]);
        a.always_requires_dpia = vec![AlwaysRequiresDpia::EvaluatingLearning];
        let out = a.outcome();
        assert_eq!(out.dpia, DpiaOutcome::Required);
        assert!(out
            .reasons
            .iter()
            .any(|r| r.contains("Datatilsynets liste")));
    }

    #[test]
    fn duplicate_answers_are_refused() {
        let mut a = answers(&[], &[DpiaCriterion::LargeScale, DpiaCriterion::LargeScale]);
        a.personal_data.truncate(1);
        let err = a.validate().err().map(|v| v.len());
        assert_eq!(err, Some(1));
    }
}
