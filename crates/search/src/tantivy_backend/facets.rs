//! Facet counts as a terms aggregation over the facet fields' fast
//! columns, run in the same pass as the search.

use crate::query::{Facet, FacetValueCount, MAX_FACET_VALUES};
use std::collections::BTreeMap;
use tantivy::aggregation::agg_req::{Aggregation, AggregationVariants, Aggregations};
use tantivy::aggregation::agg_result::{AggregationResult, AggregationResults, BucketResult};
use tantivy::aggregation::bucket::TermsAggregation;
use tantivy::aggregation::{AggContextParams, AggregationCollector, Key};

/// None when no facet is asked for: the search then skips the work.
pub fn collector(facets: &[Facet]) -> Option<AggregationCollector> {
    if facets.is_empty() {
        return None;
    }
    let aggregations: Aggregations = facets
        .iter()
        .map(|facet| {
            let terms = TermsAggregation {
                field: facet.field().to_string(),
                size: Some(MAX_FACET_VALUES as u32),
                ..Default::default()
            };
            (
                facet.as_str().to_string(),
                Aggregation {
                    agg: AggregationVariants::Terms(terms),
                    sub_aggregation: Default::default(),
                },
            )
        })
        .collect();
    Some(AggregationCollector::from_aggs(
        aggregations,
        AggContextParams::default(),
    ))
}

pub fn counts(
    facets: &[Facet],
    results: Option<AggregationResults>,
) -> BTreeMap<Facet, Vec<FacetValueCount>> {
    let mut results = results.map(|r| r.0).unwrap_or_default();
    facets
        .iter()
        .map(|facet| {
            let values = match results.remove(facet.as_str()) {
                Some(AggregationResult::BucketResult(BucketResult::Terms { buckets, .. })) => {
                    buckets
                        .into_iter()
                        .filter_map(|b| match b.key {
                            Key::Str(value) => Some(FacetValueCount {
                                value,
                                count: b.doc_count,
                            }),
                            _ => None,
                        })
                        .collect()
                }
                _ => Vec::new(),
            };
            (*facet, values)
        })
        .collect()
}
