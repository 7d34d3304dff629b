//! Who is calling. Every write handler takes a `Caller`; until
//! authentication and roles arrive this extractor names every caller the
//! local operator (the service binds to 127.0.0.1 by default). Token
//! validation and role checks replace this one extractor.

use crate::problem::Problem;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use std::future::{ready, Ready};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Recorded as `published_by`, `draft_updated_by`, `created_by`.
    pub sub: String,
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(_req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(Caller {
            sub: "local-operator".to_string(),
        }))
    }
}
