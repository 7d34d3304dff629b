//! Test helpers shared by the auth crate's tests and the black-box suites
//! (feature `test-support`): a test RSA key and its JWKS, signing helpers,
//! the bad tokens every setup must refuse, and a JWKS endpoint on a real
//! local HTTP server.

use crate::mint::now_secs;
use crate::role::{Audience, Claims, Role};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub const RSA_PRIVATE: &str = include_str!("../tests/keys/rsa-test.pem");
pub const RSA_PUBLIC: &str = include_str!("../tests/keys/rsa-test.pub.pem");
pub const JWKS: &str = include_str!("../tests/keys/jwks.json");
/// The `kid` of the key in [`JWKS`].
pub const KID: &str = "test-key-1";

/// A reviewer of KS, valid for ten minutes, for `iss` and `aud`.
pub fn claims(iss: &str, aud: &str) -> Claims {
    let now = now_secs();
    Claims {
        sub: "reviewer-1".into(),
        org: Some("971032146".into()),
        roles: vec![Role::Reviewer],
        exp: now + 600,
        nbf: Some(now - 10),
        iss: iss.into(),
        aud: aud.into(),
    }
}

pub fn hs256(c: &Claims, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        c,
        &EncodingKey::from_secret(secret),
    )
    .expect("HS256 signing of test claims")
}

pub fn rs256(c: &Claims, kid: &str) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.into());
    let key = EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).expect("the test RSA key");
    encode(&h, c, &key).expect("RS256 signing of test claims")
}

/// `alg: none`: no signature at all.
pub fn unsigned(c: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(c).expect("claims as JSON"));
    format!("{header}.{body}.")
}

/// The bad tokens every setup must refuse, each with its name; `good` is
/// a valid token's claims, `sign` the setup's signer.
pub fn bad_tokens(good: &Claims, sign: &dyn Fn(&Claims) -> String) -> Vec<(&'static str, String)> {
    let now = now_secs();
    let with = |change: &dyn Fn(&mut Claims)| {
        let mut c = good.clone();
        change(&mut c);
        sign(&c)
    };
    let valid = sign(good);
    let mut tampered = valid.clone();
    tampered.replace_range(valid.len() - 4.., "AAAA");
    vec![
        ("expired", with(&|c| c.exp = now - 3600)),
        ("not yet valid", with(&|c| c.nbf = Some(now + 3600))),
        (
            "wrong issuer",
            with(&|c| c.iss = "https://evil.test".into()),
        ),
        ("wrong audience", with(&|c| c.aud = "someone-else".into())),
        (
            "wrong audiences",
            with(&|c| c.aud = Audience::Many(vec!["someone-else".into(), "another".into()])),
        ),
        ("empty subject", with(&|c| c.sub = "  ".into())),
        ("lives a year", with(&|c| c.exp = now + 365 * 24 * 3600)),
        ("bad signature", tampered),
        ("alg none", unsigned(good)),
        ("garbage", "not.a.token".into()),
    ]
}

/// A JWKS endpoint serving [`JWKS`] on a free local port: its URL, and how
/// often it was fetched.
pub fn serve_jwks() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let url = format!(
        "http://{}/jwks.json",
        listener.local_addr().expect("bound address")
    );
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let mut s = &stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{JWKS}",
                JWKS.len()
            );
        }
    });
    (url, hits)
}
