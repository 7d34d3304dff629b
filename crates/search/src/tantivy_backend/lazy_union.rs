//! A union of scored clauses that is cheap to seek in.
//!
//! tantivy's own union (`BufferedUnionScorer`) scores a window of 4,096
//! documents at a time; when an intersection seeks in it — "verktøy 038918",
//! where the number matches a few hundred tools and "verktøy" fifty
//! thousand — every seek scores a whole window, and the broad word costs as
//! much as if it had been searched alone. This union seeks each clause to
//! the target and scores only the document asked for. Its score is the sum
//! of the matching clauses' scores, as a boolean query's `Should` clauses.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Documents matching any of the clauses.
#[derive(Debug)]
pub struct LazyUnionQuery {
    clauses: Vec<Box<dyn Query>>,
}

impl LazyUnionQuery {
    pub fn new(clauses: Vec<Box<dyn Query>>) -> Self {
        Self { clauses }
    }
}

impl Clone for LazyUnionQuery {
    fn clone(&self) -> Self {
        Self {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for LazyUnionQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(LazyUnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct LazyUnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for LazyUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut clauses = Vec::with_capacity(self.weights.len());
        for weight in &self.weights {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                clauses.push(scorer);
            }
        }
        Ok(Box::new(LazyUnion::new(clauses)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} matches none of the clauses"
            )));
        }
        let mut explanation = Explanation::new("sum of the matching clauses", scorer.score());
        for weight in &self.weights {
            if let Ok(clause) = weight.explain(reader, doc) {
                explanation.add_detail(clause);
            }
        }
        Ok(explanation)
    }
}

/// The clauses and, beside them, the document each is on: the minimum is
/// found over a small array instead of a virtual call per clause.
pub struct LazyUnion {
    clauses: Vec<Box<dyn Scorer>>,
    docs: Vec<DocId>,
    doc: DocId,
}

impl LazyUnion {
    fn new(clauses: Vec<Box<dyn Scorer>>) -> Self {
        let docs: Vec<DocId> = clauses.iter().map(|c| c.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        Self { clauses, docs, doc }
    }

    fn lowest(&self) -> DocId {
        self.docs.iter().copied().min().unwrap_or(TERMINATED)
    }
}

impl DocSet for LazyUnion {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for (clause, doc) in self.clauses.iter_mut().zip(self.docs.iter_mut()) {
            if *doc == self.doc {
                *doc = clause.advance();
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (clause, doc) in self.clauses.iter_mut().zip(self.docs.iter_mut()) {
            if *doc < target {
                *doc = clause.seek(target);
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        // At least the largest clause; the clauses overlap, so not their sum.
        self.clauses
            .iter()
            .map(|c| c.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        // Driving the union walks every clause.
        self.clauses.iter().map(|c| c.cost()).sum()
    }
}

impl Scorer for LazyUnion {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.clauses
            .iter_mut()
            .zip(&self.docs)
            .filter(|(_, d)| **d == doc)
            .map(|(clause, _)| clause.score())
            .sum()
    }
}

#[cfg(test)]
#[path = "lazy_union_tests.rs"]
mod tests;
