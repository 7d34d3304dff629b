//! Builders of valid domain values for tests, shared by this crate's tests
//! and (feature `test-support`) the store's.

use crate::finding::{
    Finding, FindingCategory, Measure, MeasureOwner, MeasureStatus, Provenance, Treatment,
};

/// A valid finding with likelihood `l` and consequence `c`, mitigated to
/// residual likelihood 1.
pub fn finding(reference: &str, l: u8, c: u8) -> Finding {
    Finding {
        reference: reference.into(),
        title: format!("Funn {reference}"),
        description: String::new(),
        category: FindingCategory::ThirdCountryTransfer,
        gdpr_articles: vec!["44".into(), "28(4)".into()],
        likelihood: l,
        consequence: c,
        measures: vec![Measure {
            description: "Bruk EU-datasenter".into(),
            owner: MeasureOwner::Vendor,
            status: MeasureStatus::Implemented,
        }],
        residual_likelihood: 1,
        residual_consequence: c,
        treatment: Treatment::Reduce,
        provenance: Provenance::ContractReview,
    }
}
