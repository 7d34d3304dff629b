//! The record of processing activities (GDPR art. 30) an organisation keeps
//! for its learning tools, generated from its inventory: one activity per
//! tool in use, with the national verdict and the local acceptance. As JSON
//! for machines and as CSV for spreadsheets (UTF-8 with a byte order mark
//! and `;` between fields, which is what a Norwegian Excel opens as
//! columns with æ, ø and å intact).

use crate::inventory::{InventoryEntryView, ProcessingAgreement};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

/// One processing activity: the use of one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingActivity {
    pub entry_id: Uuid,
    pub tool_name: String,
    pub tool_id: Option<Uuid>,
    /// The processor (the vendor).
    pub processor: String,
    pub purpose: String,
    pub legal_basis: crate::data_flow::LegalBasis,
    pub legal_basis_text: String,
    pub supplementary_basis: String,
    pub data_subjects: Vec<String>,
    pub data_categories: Vec<String>,
    /// "Alle skoler", or the schools by name.
    pub schools: String,
    pub grades: Vec<u8>,
    pub subjects: Vec<String>,
    pub agreement: String,
    pub agreement_signed_on: Option<NaiveDate>,
    pub agreement_reference: Option<String>,
    pub owner: String,
    pub usage_status: String,
    /// The national verdict in force, in Norwegian ("Godkjent med vilkår,
    /// versjon 3"), or that there is none.
    pub national_verdict: String,
    /// Who accepted which version when, or that no one has.
    pub acceptance: String,
    pub state: String,
    /// The last screening's DPIA outcome, or that it was never screened.
    pub dpia: String,
}

/// The whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessingRecord {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The controller's organisation number.
    pub org_number: Option<String>,
    pub generated_at: DateTime<Utc>,
    /// One per tool in use (trial, in use, phasing out); stopped ones are
    /// no longer processing.
    pub activities: Vec<ProcessingActivity>,
}

fn activity(v: &InventoryEntryView) -> ProcessingActivity {
    let i = &v.entry.input;
    let (signed_on, reference) = match &i.agreement {
        ProcessingAgreement::Signed {
            signed_on,
            reference,
        } => (Some(*signed_on), Some(reference.clone())),
        _ => (None, None),
    };
    let national_verdict = match (v.verdict_level, v.state.in_force) {
        (Some(level), Some(r)) => format!("{}, versjon {}", level.label_nb(), r.version),
        _ => "Ingen nasjonal vurdering".to_string(),
    };
    let acceptance = match &v.entry.acceptance {
        Some(a) => format!(
            "Godkjent versjon {} {} av {} ({})",
            a.version,
            a.accepted_at.format("%d.%m.%Y"),
            a.accepted_by_name,
            a.accepted_by_role
        ),
        None => "Ikke godkjent".to_string(),
    };
    let dpia = match &v.entry.screening {
        Some(s) if s.outcome.dpia_required => "DPIA kreves".to_string(),
        Some(s) => match s.outcome.dpia {
            crate::screening::DpiaOutcome::Consider => "DPIA bør vurderes".to_string(),
            _ => "DPIA kreves ikke".to_string(),
        },
        None => "Ikke kartlagt".to_string(),
    };
    ProcessingActivity {
        entry_id: v.entry.id,
        tool_name: v.tool_name.clone(),
        tool_id: i.tool.registry_id(),
        processor: v.vendor_name.clone(),
        purpose: i.purpose.clone(),
        legal_basis: i.legal_basis,
        legal_basis_text: i.legal_basis.label_nb().to_string(),
        supplementary_basis: i.supplementary_basis.clone(),
        data_subjects: i
            .data_subjects
            .iter()
            .map(|s| s.label_nb().to_string())
            .collect(),
        data_categories: i.data_categories.clone(),
        schools: if i.all_schools {
            "Alle skoler".to_string()
        } else {
            i.schools.join(", ")
        },
        grades: i.grades.clone(),
        subjects: i.subjects.clone(),
        agreement: i.agreement.label_nb(),
        agreement_signed_on: signed_on,
        agreement_reference: reference.filter(|r| !r.is_empty()),
        owner: i.owner.clone(),
        usage_status: i.status.label_nb().to_string(),
        national_verdict,
        acceptance,
        state: v.state.state_label.clone(),
        dpia,
    }
}

impl ProcessingRecord {
    pub fn of(
        organisation: &crate::organisation::Organisation,
        views: &[InventoryEntryView],
        generated_at: DateTime<Utc>,
    ) -> Self {
        Self {
            organisation_id: organisation.id,
            organisation_name: organisation.name.clone(),
            org_number: organisation.org_number.clone(),
            generated_at,
            activities: views
                .iter()
                .filter(|v| v.entry.input.status.is_active())
                .map(activity)
                .collect(),
        }
    }

    /// The CSV columns, in Norwegian, in order.
    pub const CSV_HEADER: [&'static str; 18] = [
        "Verktøy",
        "Databehandler (leverandør)",
        "Formål",
        "Behandlingsgrunnlag",
        "Supplerende rettsgrunnlag",
        "Registrerte",
        "Personopplysninger",
        "Skoler",
        "Trinn",
        "Fag",
        "Databehandleravtale",
        "Avtalereferanse",
        "Ansvarlig",
        "Status",
        "Nasjonal vurdering",
        "Lokal godkjenning",
        "Tilstand",
        "DPIA",
    ];

    /// The record as CSV: a byte order mark, a header row, then one row per
    /// activity, CRLF line ends (RFC 4180), `;` between fields.
    pub fn to_csv(&self) -> String {
        let mut out = String::from('\u{feff}');
        push_row(&mut out, Self::CSV_HEADER.iter().map(|h| h.to_string()));
        for a in &self.activities {
            let grades = a
                .grades
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            push_row(
                &mut out,
                [
                    a.tool_name.clone(),
                    a.processor.clone(),
                    a.purpose.clone(),
                    a.legal_basis_text.clone(),
                    a.supplementary_basis.clone(),
                    a.data_subjects.join(", "),
                    a.data_categories.join(", "),
                    a.schools.clone(),
                    grades,
                    a.subjects.join(", "),
                    a.agreement.clone(),
                    a.agreement_reference.clone().unwrap_or_default(),
                    a.owner.clone(),
                    a.usage_status.clone(),
                    a.national_verdict.clone(),
                    a.acceptance.clone(),
                    a.state.clone(),
                    a.dpia.clone(),
                ]
                .into_iter(),
            );
        }
        out
    }
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    let cells: Vec<String> = fields.map(|f| csv_cell(&f)).collect();
    out.push_str(&cells.join(";"));
    out.push_str("\r\n");
}

/// One CSV field: quoted when it holds a separator, a quote or a line
/// break; and a leading `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet shows the text instead of running it as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([';', '"', '\n', '\r', ',']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("Kahoot!"), "Kahoot!");
        assert_eq!(csv_cell("a;b"), "\"a;b\"");
        assert_eq!(csv_cell("si \"hei\""), "\"si \"\"hei\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("linje\nto"), "\"linje\nto\"");
    }
}
