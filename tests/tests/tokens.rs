//! Bad tokens against the running service, in both configurations: HS256
//! with the generated secret, and RS256 keys from a JWKS document served by
//! a real HTTP server in this test. Each must get 401 invalid_token; a good
//! token must get through.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{SystemTime, UNIX_EPOCH};
use toolreg_tests::{client, Server};

const RSA_PRIVATE: &str = include_str!("../../crates/auth/tests/keys/rsa-test.pem");
const RSA_PUBLIC: &str = include_str!("../../crates/auth/tests/keys/rsa-test.pub.pem");
const JWKS: &str = include_str!("../../crates/auth/tests/keys/jwks.json");

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn claims() -> Value {
    json!({"sub": "reviewer-1", "org": "971032146", "roles": ["reviewer"], "exp": now() + 600, "nbf": now() - 5,
           "iss": "toolreg-local", "aud": "toolreg"})
}

fn with(key: &str, value: Value) -> Value {
    let mut c = claims();
    c[key] = value;
    c
}

fn bad_tokens(sign: &dyn Fn(&Value) -> String) -> Vec<(&'static str, String)> {
    let good = sign(&claims());
    let mut tampered = good.clone();
    tampered.replace_range(good.len() - 6.., "AAAAAA");
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    vec![
        ("expired", sign(&with("exp", json!(now() - 3600)))),
        ("not yet valid", sign(&with("nbf", json!(now() + 3600)))),
        (
            "wrong issuer",
            sign(&with("iss", json!("https://evil.test"))),
        ),
        ("wrong audience", sign(&with("aud", json!("other")))),
        ("bad signature", tampered),
        ("alg none", none),
        ("garbage", "garbage".into()),
    ]
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
    let sign = |c: &Value| {
        encode(
            &Header::new(Algorithm::HS256),
            c,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("sign")
    };
    assert_eq!(audit_status(&server, &sign(&claims())), 200);
    for (name, token) in bad_tokens(&sign) {
        assert_refused(&server, name, &token);
    }
    let rsa = {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("test-key-1".into());
        encode(
            &h,
            &claims(),
            &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).expect("key"),
        )
        .expect("sign")
    };
    assert_refused(&server, "RS256 where only HS256 is configured", &rsa);
}

#[test]
fn jwks_configuration_refuses_bad_tokens() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let jwks_url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let mut s = &stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{JWKS}",
                JWKS.len()
            );
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(
        dir.path(),
        &[
            ("TOOLREG_JWKS_URL", &jwks_url),
            ("TOOLREG_RATE_LIMIT", "false"),
        ],
    );
    let sign_kid = |c: &Value, kid: &str| {
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.into());
        encode(
            &h,
            c,
            &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).expect("key"),
        )
        .expect("sign")
    };
    let sign = |c: &Value| sign_kid(c, "test-key-1");
    assert_eq!(audit_status(&server, &sign(&claims())), 200);
    for (name, token) in bad_tokens(&sign) {
        assert_refused(&server, name, &token);
    }
    let confused = encode(
        &Header::new(Algorithm::HS256),
        &claims(),
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
    )
    .expect("sign");
    assert_refused(&server, "HS256 signed with the RSA public key", &confused);
    assert_refused(&server, "unknown kid", &sign_kid(&claims(), "not-a-key"));
}
