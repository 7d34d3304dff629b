//! What the registry still lacks from a vendor, per tool: the obligations
//! a reviewer chases and a vendor sees on its own page. Pure: the store
//! gathers the facts, this decides what is missing.

use crate::document::{Document, DocumentKind};
use crate::requirement::{Answer, AnswerSet};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A subprocessor list older than this is flagged.
pub const SUBPROCESSOR_LIST_MAX_AGE_DAYS: i64 = 365;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Obligation {
    /// No data processing agreement (template) for the tool or the vendor.
    NoDataProcessingAgreement {
        message: String,
    },
    CertificateExpired {
        document_id: Uuid,
        expires_at: DateTime<Utc>,
        message: String,
    },
    CertificateExpiring {
        document_id: Uuid,
        expires_at: DateTime<Utc>,
        message: String,
    },
    RequirementsUnanswered {
        catalogue_version: i32,
        requirement_ids: Vec<String>,
        message: String,
    },
    RequirementsAnsweredNo {
        catalogue_version: i32,
        requirement_ids: Vec<String>,
        message: String,
    },
    NoSubprocessorList {
        message: String,
    },
    SubprocessorListOld {
        revision: i32,
        recorded_at: DateTime<Utc>,
        message: String,
    },
}

/// The facts about one tool the obligations are read from.
#[derive(Debug, Clone)]
pub struct ToolFacts<'a> {
    pub tool_id: Uuid,
    /// The vendor's documents about this tool or about the vendor as a
    /// whole.
    pub documents: Vec<&'a Document>,
    pub answers: &'a AnswerSet,
    /// The latest subprocessor list: its number and when it was recorded.
    pub subprocessor_list: Option<(i32, DateTime<Utc>)>,
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y").to_string()
}

/// What is missing for one tool, as of `now`.
pub fn obligations(facts: &ToolFacts<'_>, now: DateTime<Utc>) -> Vec<Obligation> {
    let mut out = Vec::new();
    if !facts
        .documents
        .iter()
        .any(|d| d.input.kind == DocumentKind::DpaTemplate && !d.is_expired(now))
    {
        out.push(Obligation::NoDataProcessingAgreement {
            message: "Registeret mangler databehandleravtale (mal) for verktøyet.".into(),
        });
    }
    for d in &facts.documents {
        if d.input.kind != DocumentKind::Certificate {
            continue;
        }
        let Some(expires_at) = d.input.expires_at else {
            continue;
        };
        if expires_at <= now {
            out.push(Obligation::CertificateExpired {
                document_id: d.id,
                expires_at,
                message: format!("«{}» utløp {}.", d.input.title, date(expires_at)),
            });
        } else if expires_at <= now + Duration::days(crate::document::EXPIRY_NOTICE_DAYS) {
            out.push(Obligation::CertificateExpiring {
                document_id: d.id,
                expires_at,
                message: format!("«{}» utløper {}.", d.input.title, date(expires_at)),
            });
        }
    }
    let set = facts.answers;
    if !set.unanswered.is_empty() {
        out.push(Obligation::RequirementsUnanswered {
            catalogue_version: set.catalogue_version,
            requirement_ids: set.unanswered.clone(),
            message: format!(
                "{} av kravene i kravkatalogen (versjon {}) er ikke besvart.",
                set.unanswered.len(),
                set.catalogue_version
            ),
        });
    }
    let no: Vec<String> = set
        .answers
        .iter()
        .filter(|a| a.input.answer == Answer::No)
        .map(|a| a.input.requirement_id.clone())
        .collect();
    if !no.is_empty() {
        out.push(Obligation::RequirementsAnsweredNo {
            catalogue_version: set.catalogue_version,
            message: format!(
                "Leverandøren oppfyller ikke {}: {}.",
                no.len(),
                no.join(", ")
            ),
            requirement_ids: no,
        });
    }
    match facts.subprocessor_list {
        None => out.push(Obligation::NoSubprocessorList {
            message: "Registeret har ingen underleverandørliste for verktøyet.".into(),
        }),
        Some((revision, recorded_at))
            if recorded_at + Duration::days(SUBPROCESSOR_LIST_MAX_AGE_DAYS) < now =>
        {
            out.push(Obligation::SubprocessorListOld {
                revision,
                recorded_at,
                message: format!(
                    "Underleverandørlisten er fra {}, mer enn ett år gammel.",
                    date(recorded_at)
                ),
            });
        }
        Some(_) => {}
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolObligations {
    pub tool_id: Uuid,
    pub slug: String,
    pub name: String,
    /// Empty when nothing is missing.
    pub missing: Vec<Obligation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VendorStatus {
    pub vendor_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub tools: Vec<ToolObligations>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentFile, DocumentInput, Visibility};
    use crate::requirement::{catalogue, AnswerInput, RecordedAnswer};

    fn doc(kind: DocumentKind, expires_at: Option<DateTime<Utc>>) -> Document {
        Document {
            id: Uuid::nil(),
            owner_org_id: Uuid::nil(),
            input: DocumentInput {
                kind,
                title: "ISO 27001".into(),
                tool_id: None,
                visibility: Visibility::Reviewers,
                scope: None,
                expires_at,
            },
            file: DocumentFile {
                filename: "x.pdf".into(),
                media_type: "application/pdf".into(),
                size_bytes: 1,
                sha256: "a".repeat(64),
            },
            uploaded_by: "v".into(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn kinds(o: &[Obligation]) -> Vec<String> {
        o.iter()
            .map(|x| {
                serde_json::to_value(x).expect("json")["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_vendor_with_nothing_owes_everything() {
        let c = catalogue(None).expect("catalogue");
        let answers = AnswerSet::new(Uuid::nil(), c, vec![]);
        let facts = ToolFacts {
            tool_id: Uuid::nil(),
            documents: vec![],
            answers: &answers,
            subprocessor_list: None,
        };
        assert_eq!(
            kinds(&obligations(&facts, Utc::now())),
            [
                "no_data_processing_agreement",
                "requirements_unanswered",
                "no_subprocessor_list"
            ]
        );
    }

    #[test]
    fn expiry_old_lists_and_no_answers_are_flagged() {
        let now = Utc::now();
        let c = catalogue(None).expect("catalogue");
        let all: Vec<RecordedAnswer> = c
            .requirements
            .iter()
            .map(|r| RecordedAnswer {
                input: AnswerInput {
                    requirement_id: r.id.clone(),
                    answer: if r.id == "TS-27" {
                        Answer::No
                    } else {
                        Answer::Yes
                    },
                    comment: String::new(),
                    evidence_document_id: None,
                },
                answered_by: "v".into(),
                answered_at: now,
            })
            .collect();
        let answers = AnswerSet::new(Uuid::nil(), c, all);
        let dpa = doc(DocumentKind::DpaTemplate, None);
        let expired = doc(DocumentKind::Certificate, Some(now - Duration::days(1)));
        let expiring = doc(DocumentKind::Certificate, Some(now + Duration::days(10)));
        let fine = doc(DocumentKind::Certificate, Some(now + Duration::days(100)));
        let facts = ToolFacts {
            tool_id: Uuid::nil(),
            documents: vec![&dpa, &expired, &expiring, &fine],
            answers: &answers,
            subprocessor_list: Some((3, now - Duration::days(400))),
        };
        let o = obligations(&facts, now);
        assert_eq!(
            kinds(&o),
            [
                "certificate_expired",
                "certificate_expiring",
                "requirements_answered_no",
                "subprocessor_list_old"
            ]
        );
        assert!(
            matches!(&o[2], Obligation::RequirementsAnsweredNo { requirement_ids, .. } if requirement_ids == &["TS-27"])
        );
    }
}
