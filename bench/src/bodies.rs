//! The largest body each write route accepts, built from the caps in
//! `toolreg_core::caps` (and, for drafts, the request size limit), and a
//! body one over a cap. The validation benchmark times them; the tests
//! below check that the first is accepted and the second refused, so the
//! caps are what the document says.

use serde_json::{json, Value};
use toolreg_core::caps;
use toolreg_core::tool::{AgeBand, LoginMethod, PersonalDataBasis, Platform};

fn text(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

fn all<T: Copy + serde::Serialize>(values: &[T]) -> Value {
    json!(values)
}

pub fn largest_tool(vendor_id: &str) -> Value {
    let login: Vec<LoginMethod> = LoginMethod::ALL
        .iter()
        .copied()
        .filter(|m| *m != LoginMethod::None)
        .collect();
    json!({
        "slug": text('a', caps::TOOL_SLUG),
        "name": text('Ø', caps::TOOL_NAME),
        "vendor_id": vendor_id,
        "summary": text('æ', caps::TOOL_SUMMARY),
        "website": format!("https://example.no/{}", text('a', caps::URL - 19)),
        "categories": (0..caps::TOOL_CATEGORIES)
            .map(|i| format!("{:_<width$}", format!("k{i}"), width = caps::CATEGORY))
            .collect::<Vec<_>>(),
        "age_bands": all(AgeBand::ALL),
        "login_methods": login,
        "platforms": all(Platform::ALL),
        "pricing": "paid",
        "processes_personal_data": "yes",
        "personal_data_basis": all(PersonalDataBasis::ALL),
        "feide_attributes": (0..caps::FEIDE_ATTRIBUTES)
            .map(|_| json!({"attribute": text('a', caps::FEIDE_ATTRIBUTE), "justification": text('å', caps::JUSTIFICATION)}))
            .collect::<Vec<_>>(),
        "ai_features": (0..caps::AI_FEATURES)
            .map(|_| json!({"name": text('n', caps::AI_FEATURE_NAME), "description": text('d', caps::AI_FEATURE_DESCRIPTION), "trains_on_customer_data": false}))
            .collect::<Vec<_>>(),
        "status": "active"
    })
}

pub fn largest_organisation() -> Value {
    json!({
        "kind": "municipality",
        "name": text('Å', caps::ORGANISATION_NAME),
        "org_number": "974 760 673",
        "municipality_number": "0301",
        "country": "NO",
        "website": format!("https://example.no/{}", text('a', caps::URL - 19)),
    })
}

pub fn largest_assessment(reviewer_org_id: &str) -> Value {
    json!({
        "kind": "national_dpia",
        "title": text('T', caps::ASSESSMENT_TITLE),
        "tool_ids": (0..caps::ASSESSMENT_TOOLS).map(|i| format!("0190f3a4-1c2b-7d3e-8f40-{i:012}")).collect::<Vec<_>>(),
        "reviewer_org_id": reviewer_org_id,
    })
}

pub fn largest_withdrawal() -> Value {
    json!({"reason": text('g', caps::WITHDRAWAL_REASON)})
}

/// A draft with every list at its cap and free texts `fill` characters
/// long (each text also within its own cap).
fn draft_with(fill: usize) -> Value {
    let t = |cap: usize| text('x', fill.min(cap));
    json!({
        "level": "approved_with_conditions",
        "summary": text('s', caps::VERDICT_SUMMARY),
        "rationale": text('r', caps::VERDICT_RATIONALE),
        "conditions": (0..caps::CONDITIONS).map(|i| json!({
            "text": t(caps::CONDITION_TEXT), "audience": "school_owner",
            "setting_key": format!("{:a<width$}", format!("k{i}."), width = caps::SETTING_KEY), "mandatory": true
        })).collect::<Vec<_>>(),
        "findings": (0..caps::FINDINGS).map(|i| json!({
            "ref": format!("R{i}"), "title": t(caps::FINDING_TITLE), "description": t(caps::FINDING_DESCRIPTION),
            "category": "security", "gdpr_articles": (1..=caps::GDPR_ARTICLES).map(|a| format!("{a}(1)")).collect::<Vec<_>>(),
            "likelihood": 3, "consequence": 4,
            "measures": (0..caps::MEASURES).map(|_| json!({"description": t(caps::MEASURE_DESCRIPTION), "owner": "vendor", "status": "implemented"})).collect::<Vec<_>>(),
            "residual_likelihood": 2, "residual_consequence": 2, "treatment": "reduce", "provenance": "contract_review"
        })).collect::<Vec<_>>(),
        "data_flows": (0..caps::DATA_FLOWS).map(|i| json!({
            "data_category": format!("kategori {i} {}", t(caps::DATA_CATEGORY - 20)), "subjects": ["pupils", "teachers", "staff", "guardians"],
            "purpose": t(caps::PURPOSE), "storage_countries": vec!["NO"; caps::COUNTRIES], "retention": t(caps::RETENTION),
            "recipients": (0..caps::RECIPIENTS).map(|_| t(caps::RECIPIENT)).collect::<Vec<_>>(), "legal_basis": "public_task",
            "vendor_own_purposes": false
        })).collect::<Vec<_>>(),
        "subprocessor_revisions": (0..caps::REVIEWED_REVISIONS).map(|i| json!({"tool_id": format!("0190f3a4-1c2b-7d3e-8f40-{i:012}"), "revision": 1})).collect::<Vec<_>>(),
        "review_due": "2027-06-01",
        "change_note": text('c', caps::CHANGE_NOTE),
    })
}

/// The largest draft under the request size limit: every list at its cap,
/// free texts as long as the limit allows.
pub fn largest_draft(limit_bytes: usize) -> Value {
    let (mut lo, mut hi) = (0usize, caps::FINDING_DESCRIPTION);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if draft_with(mid).to_string().len() <= limit_bytes {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    draft_with(lo)
}

/// `body` with the list at `pointer` one entry over its cap (its last entry
/// repeated).
pub fn one_over(body: &Value, pointer: &str) -> Value {
    let mut over = body.clone();
    if let Some(list) = over.pointer_mut(pointer).and_then(Value::as_array_mut) {
        if let Some(last) = list.last().cloned() {
            list.push(last);
        }
    }
    over
}

#[cfg(test)]
mod tests {
    use super::*;
    use toolreg_api::json_body::{parse, BODY_LIMIT};
    use toolreg_core::assessment::{AssessmentInput, WithdrawInput};
    use toolreg_core::organisation::OrganisationInput;
    use toolreg_core::tool::ToolInput;
    use toolreg_core::verdict::VerdictDraft;

    const VENDOR: &str = "0190f3a4-1c2b-7d3e-8f40-000000000001";

    fn status<T: serde::de::DeserializeOwned + toolreg_core::Validate>(body: &Value) -> u16 {
        match parse::<T>(body.to_string().as_bytes()) {
            Ok(_) => 200,
            Err(p) => p.status,
        }
    }

    #[test]
    fn the_largest_bodies_are_accepted() {
        assert_eq!(status::<ToolInput>(&largest_tool(VENDOR)), 200);
        assert_eq!(status::<OrganisationInput>(&largest_organisation()), 200);
        assert_eq!(status::<AssessmentInput>(&largest_assessment(VENDOR)), 200);
        assert_eq!(status::<WithdrawInput>(&largest_withdrawal()), 200);
        let draft = largest_draft(BODY_LIMIT);
        assert!(draft.to_string().len() > BODY_LIMIT * 9 / 10);
        assert_eq!(status::<VerdictDraft>(&draft), 200);
    }

    #[test]
    fn one_over_any_list_cap_is_refused_at_that_list() {
        type Check = fn(&Value) -> u16;
        let cases: [(Value, &str, Check); 6] = [
            (largest_tool(VENDOR), "/categories", status::<ToolInput>),
            (
                largest_tool(VENDOR),
                "/feide_attributes",
                status::<ToolInput>,
            ),
            (largest_tool(VENDOR), "/ai_features", status::<ToolInput>),
            (
                largest_assessment(VENDOR),
                "/tool_ids",
                status::<AssessmentInput>,
            ),
            (draft_with(10), "/findings", status::<VerdictDraft>),
            (
                draft_with(10),
                "/data_flows/0/recipients",
                status::<VerdictDraft>,
            ),
        ];
        for (body, pointer, check) in cases {
            assert_eq!(check(&one_over(&body, pointer)), 422, "{pointer}");
        }
        let mut long = largest_tool(VENDOR);
        long["name"] = json!(text('Ø', caps::TOOL_NAME + 1));
        assert_eq!(status::<ToolInput>(&long), 422);
    }
}
