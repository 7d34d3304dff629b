//! Bad tokens against the running service, in both configurations: HS256
//! with the generated secret, and RS256 keys from a JWKS document served by
//! a real HTTP server in this test. Each must get 401 invalid_token; a good
//! token must get through.

use toolreg_auth::test_support::{self, hs256, rs256, serve_jwks, KID, RSA_PUBLIC};
use toolreg_auth::Claims;
use toolreg_tests::{client, Server};

/// Claims the service's default issuer and audience accept.
fn claims() -> Claims {
    test_support::claims("toolreg-local", "toolreg")
}

fn bad_tokens(sign: &dyn Fn(&Claims) -> String) -> Vec<(&'static str, String)> {
    test_support::bad_tokens(&claims(), sign)
}

fn assert_refused(server: &Server, name: &str, token: &str) {
    let r = client()
        .get(server.url("/api/v1/tools"))
        .bearer_auth(token)
        .send()
        .expect("GET");
    assert_eq!(r.status(), 401, "{name}");
    assert_eq!(
        r.headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer error=\"invalid_token\""),
        "{name}"
    );
}

fn audit_status(server: &Server, token: &str) -> u16 {
    client()
        .get(server.url("/api/v1/audit"))
        .bearer_auth(token)
        .send()
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[test]
fn hs256_configuration_refuses_bad_tokens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = "a-configured-secret-of-sufficient-length-123";
    let server = Server::start(
        dir.path(),
        &[
            ("TOOLREG_JWT_SECRET", secret),
            ("TOOLREG_RATE_LIMIT", "false"),
        ],
    );
    let sign = |c: &Claims| hs256(c, secret.as_bytes());
    assert_eq!(audit_status(&server, &sign(&claims())), 200);
    for (name, token) in bad_tokens(&sign) {
        assert_refused(&server, name, &token);
    }
    let rsa = rs256(&claims(), KID);
    assert_refused(&server, "RS256 where only HS256 is configured", &rsa);
}

#[test]
fn jwks_configuration_refuses_bad_tokens() {
    let (jwks_url, _) = serve_jwks();
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(
        dir.path(),
        &[
            ("TOOLREG_JWKS_URL", &jwks_url),
            ("TOOLREG_RATE_LIMIT", "false"),
        ],
    );
    let sign = |c: &Claims| rs256(c, KID);
    assert_eq!(audit_status(&server, &sign(&claims())), 200);
    for (name, token) in bad_tokens(&sign) {
        assert_refused(&server, name, &token);
    }
    let confused = hs256(&claims(), RSA_PUBLIC.as_bytes());
    assert_refused(&server, "HS256 signed with the RSA public key", &confused);
    assert_refused(&server, "unknown kid", &rs256(&claims(), "not-a-key"));
}
