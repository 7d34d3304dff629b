//! `EXPLAIN` around any statement the store builds, so tests can read the
//! plan of the very statement the code runs (binds included) rather than
//! of a hand-copied SQL text.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Text;
use diesel::{QueryResult, RunQueryDsl};

/// `EXPLAIN <statement>`: on PostgreSQL, one text row per plan line.
#[derive(Debug, Clone)]
pub struct Explain<Q>(pub Q);

impl<Q, DB> QueryFragment<DB> for Explain<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql("EXPLAIN ");
        self.0.walk_ast(out.reborrow())
    }
}

impl<Q> Query for Explain<Q> {
    type SqlType = Text;
}

impl<Q> QueryId for Explain<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, Conn> RunQueryDsl<Conn> for Explain<Q> {}
