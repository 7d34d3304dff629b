//! Checks every request's address before any handler or database sees it:
//! control characters in the path or in query values are refused (PostgreSQL
//! cannot store NUL and SQLite would store it silently, so both backends
//! must be spared it alike), and so are query parameters the OpenAPI
//! document does not declare for the operation — a misspelt filter must
//! not silently return the whole catalogue.

use crate::problem::Problem;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use std::borrow::Cow;

/// Longest parameter name quoted back in an error.
const MAX_QUOTED: usize = 60;

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    if let Err(problem) = check(req.method().as_str(), req.path(), req.query_string()) {
        let response = actix_web::ResponseError::error_response(&problem.instance(req.path()));
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// A character no text field of ours has a use for: C0 controls other than
/// tab and line breaks, DEL, and the C1 controls.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

fn quoted(name: &str) -> Cow<'_, str> {
    if name.chars().count() <= MAX_QUOTED {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!(
            "{}…",
            name.chars().take(MAX_QUOTED).collect::<String>()
        ))
    }
}

pub fn check(method: &str, path: &str, query: &str) -> Result<(), Problem> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    // In a path even tab and line breaks have no place.
    if decoded.chars().any(char::is_control) {
        return Err(Problem::invalid_input(
            "/path",
            "adressen inneholder kontrolltegn",
        ));
    }
    let declared = crate::openapi::query_parameters(method, path);
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name.chars().any(char::is_control) || value.chars().any(is_forbidden_char) {
            return Err(Problem::invalid_input(
                format!("/{}", quoted(&name)),
                "parameteren inneholder kontrolltegn",
            ));
        }
        if let Some(known) = declared {
            if !known.iter().any(|k| *k == name) {
                let allowed = if known.is_empty() {
                    "denne adressen tar ingen parametere".to_string()
                } else {
                    format!("gyldige parametere er: {}", known.join(", "))
                };
                return Err(Problem::invalid_input(
                    format!("/{}", quoted(&name)),
                    format!("ukjent parameter «{}»; {allowed}", quoted(&name)),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointer(r: Result<(), Problem>) -> Option<String> {
        r.err().map(|p| p.errors[0].pointer.clone())
    }

    #[test]
    fn nul_in_path_or_query_is_refused() {
        assert_eq!(
            pointer(check("GET", "/api/v1/tools/ka%00hoot", "")).as_deref(),
            Some("/path")
        );
        assert_eq!(
            pointer(check("GET", "/api/v1/tools", "category=q%00uiz")).as_deref(),
            Some("/category")
        );
        assert!(check("GET", "/api/v1/tools/kahoot", "").is_ok());
    }

    #[test]
    fn undeclared_query_parameters_are_named() {
        assert_eq!(
            pointer(check("GET", "/api/v1/tools", "q=kahot")).as_deref(),
            Some("/q")
        );
        assert!(check("GET", "/api/v1/tools", "category=quiz&limit=5").is_ok());
        let p = check("GET", "/api/v1/tools/kahoot", "x=1").err();
        assert!(p
            .map(|p| p.errors[0].message.contains("ingen parametere"))
            .unwrap_or(false));
    }
}

/// Query parameters whose values never reach a log: people paste tokens
/// into URLs, and access logs outlive tokens' owners' caution.
const SECRET_PARAMETERS: [&str; 9] = [
    "access_token",
    "id_token",
    "token",
    "jwt",
    "code",
    "key",
    "api_key",
    "secret",
    "password",
];

/// The request line for the access log, with secret-looking query values
/// replaced by `[redacted]`.
pub fn loggable_request_line(method: &str, path: &str, query: &str) -> String {
    if query.is_empty() {
        return format!("{method} {path}");
    }
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            let lower = name.to_ascii_lowercase();
            if pair.contains('=') && SECRET_PARAMETERS.contains(&lower.as_str()) {
                format!("{name}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{method} {path}?{}", redacted.join("&"))
}

#[cfg(test)]
mod log_tests {
    use super::loggable_request_line;

    #[test]
    fn tokens_in_query_strings_are_redacted() {
        assert_eq!(
            loggable_request_line("GET", "/api/v1/tools", "access_token=eyJhbGci.x.y&limit=5"),
            "GET /api/v1/tools?access_token=[redacted]&limit=5"
        );
        assert_eq!(
            loggable_request_line("GET", "/api/v1/tools", "Token=abc"),
            "GET /api/v1/tools?Token=[redacted]"
        );
        assert_eq!(loggable_request_line("GET", "/healthz", ""), "GET /healthz");
    }
}
