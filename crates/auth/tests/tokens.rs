//! Bad tokens are refused, for the shared-secret (HS256) setup and for a
//! JWKS setup whose keys come from a real HTTP server in the test.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use toolreg_auth::jwks::JwksCache;
use toolreg_auth::mint::now_secs;
use toolreg_auth::role::Audience;
use toolreg_auth::{AuthError, Claims, KeySource, Role, Validator};

const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-0123456789";
const ISS: &str = "https://toolreg.test";
const AUD: &str = "toolreg";
const RSA_PRIVATE: &str = include_str!("keys/rsa-test.pem");
const RSA_PUBLIC: &str = include_str!("keys/rsa-test.pub.pem");
const JWKS: &str = include_str!("keys/jwks.json");

fn claims() -> Claims {
    let now = now_secs();
    Claims {
        sub: "reviewer-1".into(),
        org: Some("971032146".into()),
        roles: vec![Role::Reviewer],
        exp: now + 600,
        nbf: Some(now - 10),
        iss: ISS.into(),
        aud: AUD.into(),
    }
}

fn hs256(c: &Claims, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        c,
        &EncodingKey::from_secret(secret),
    )
    .expect("sign")
}

fn rs256(c: &Claims, kid: &str) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some(kid.into());
    encode(
        &h,
        c,
        &EncodingKey::from_rsa_pem(RSA_PRIVATE.as_bytes()).expect("key"),
    )
    .expect("sign")
}

fn unsigned(c: &Claims) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(c).expect("json"));
    format!("{header}.{body}.")
}

/// The bad tokens every setup must refuse, each with its name.
fn bad_tokens(sign: &dyn Fn(&Claims) -> String) -> Vec<(&'static str, String)> {
    let now = now_secs();
    let mut expired = claims();
    expired.exp = now - 3600;
    let mut early = claims();
    early.nbf = Some(now + 3600);
    let mut issuer = claims();
    issuer.iss = "https://evil.test".into();
    let mut audience = claims();
    audience.aud = "someone-else".into();
    let mut audiences = claims();
    audiences.aud = Audience::Many(vec!["someone-else".into(), "another".into()]);
    let mut nobody = claims();
    nobody.sub = "  ".into();
    let mut forever = claims();
    forever.exp = now + 365 * 24 * 3600;
    let good = sign(&claims());
    let mut tampered = good.clone();
    tampered.replace_range(good.len() - 4.., "AAAA");
    vec![
        ("expired", sign(&expired)),
        ("not yet valid", sign(&early)),
        ("wrong issuer", sign(&issuer)),
        ("wrong audience", sign(&audience)),
        ("wrong audiences", sign(&audiences)),
        ("empty subject", sign(&nobody)),
        ("lives a year", sign(&forever)),
        ("bad signature", tampered),
        ("alg none", unsigned(&claims())),
        ("garbage", "not.a.token".into()),
        ("empty", String::new()),
    ]
}

#[tokio::test]
async fn shared_secret_accepts_good_and_refuses_bad_tokens() {
    let v = Validator::new(ISS, AUD, KeySource::Shared(SECRET.to_vec()));
    let ok = v.validate(&hs256(&claims(), SECRET)).await;
    assert_eq!(ok.map(|c| c.sub), Ok("reviewer-1".to_string()));
    // RFC 7519: `aud` may be an array; ours among them is enough.
    let mut several = claims();
    several.aud = Audience::Many(vec!["another".into(), AUD.into()]);
    assert!(v.validate(&hs256(&several, SECRET)).await.is_ok());
    for (name, token) in bad_tokens(&|c| hs256(c, SECRET)) {
        assert!(v.validate(&token).await.is_err(), "{name} must be refused");
    }
    let other = v
        .validate(&hs256(&claims(), b"another-secret-another-secret-another"))
        .await;
    assert_eq!(other.err(), Some(AuthError::BadSignature));
    let rsa = v.validate(&rs256(&claims(), "test-key-1")).await;
    assert!(
        matches!(rsa, Err(AuthError::AlgorithmNotAllowed(_))),
        "only HS256 here"
    );
}

/// A JWKS endpoint on a free local port, counting how often it is fetched.
fn serve_jwks() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
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
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                JWKS.len(),
                JWKS
            );
        }
    });
    (url, hits)
}

#[tokio::test]
async fn jwks_accepts_good_and_refuses_bad_tokens() {
    let (url, hits) = serve_jwks();
    let cache = Arc::new(JwksCache::new(url, Duration::from_secs(60)));
    let v = Validator::new(ISS, AUD, KeySource::Jwks(cache));
    let ok = v.validate(&rs256(&claims(), "test-key-1")).await;
    assert_eq!(ok.map(|c| c.roles), Ok(vec![Role::Reviewer]));
    for (name, token) in bad_tokens(&|c| rs256(c, "test-key-1")) {
        assert!(v.validate(&token).await.is_err(), "{name} must be refused");
    }
    // HS256 "signed" with the RSA public key: the classic confusion attack.
    let confused = v.validate(&hs256(&claims(), RSA_PUBLIC.as_bytes())).await;
    assert!(
        matches!(confused, Err(AuthError::AlgorithmNotAllowed(_))),
        "{confused:?}"
    );
    // Unknown kids are refused, and refreshes are bounded: one fetch for the
    // first token, one for the first unknown kid, then no more.
    for i in 0..5 {
        let unknown = v.validate(&rs256(&claims(), &format!("rotated-{i}"))).await;
        assert_eq!(unknown.err(), Some(AuthError::UnknownKey));
    }
    assert!(
        hits.load(Ordering::SeqCst) <= 2,
        "fetched {} times",
        hits.load(Ordering::SeqCst)
    );
}
