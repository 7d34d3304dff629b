//! Query-string extractor that names the bad parameter, like `JsonBody`
//! does for bodies (`/age_band`, not just "bad query").

use crate::problem::Problem;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use std::future::{ready, Ready};

pub struct QueryParams<T>(pub T);

impl<T> std::ops::Deref for QueryParams<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> QueryParams<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, Problem> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let name = e.path().to_string();
        let inner = e.into_inner().to_string();
        // A missing field has no path; its name is only in the message.
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        let pointer = match missing {
            Some(field) => format!("/{field}"),
            None if name.is_empty() || name == "." => String::new(),
            None => format!("/{name}"),
        };
        let message = if inner.starts_with("missing field") {
            format!("påkrevd parameter mangler ({inner})")
        } else {
            format!("ugyldig verdi ({inner})")
        };
        Problem::invalid_input(pointer, message)
    })
}

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(QueryParams))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Q {
        limit: Option<u32>,
        band: Option<toolreg_core::tool::AgeBand>,
    }

    #[test]
    fn names_the_bad_parameter() {
        let p = parse::<Q>("limit=abc")
            .err()
            .map(|p| p.errors[0].pointer.clone());
        assert_eq!(p.as_deref(), Some("/limit"));
        let p = parse::<Q>("band=baby")
            .err()
            .map(|p| p.errors[0].pointer.clone());
        assert_eq!(p.as_deref(), Some("/band"));
        assert!(parse::<Q>("limit=5&band=grades_5_7&other=1").is_ok());
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Required {
        as_of: String,
    }

    #[test]
    fn names_a_missing_parameter() {
        let p = parse::<Required>("")
            .err()
            .map(|p| p.errors[0].pointer.clone());
        assert_eq!(p.as_deref(), Some("/as_of"));
    }
}
