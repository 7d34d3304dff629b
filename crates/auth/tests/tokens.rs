//! Bad tokens are refused, for the shared-secret (HS256) setup and for a
//! JWKS setup whose keys come from a real HTTP server in the test.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use toolreg_auth::jwks::JwksCache;
use toolreg_auth::role::Audience;
use toolreg_auth::test_support::{hs256, rs256, serve_jwks, RSA_PUBLIC};
use toolreg_auth::{AuthError, Claims, KeySource, Role, Validator};

const SECRET: &[u8] = b"a-test-secret-that-is-long-enough-0123456789";
const ISS: &str = "https://toolreg.test";
const AUD: &str = "toolreg";

fn claims() -> Claims {
    toolreg_auth::test_support::claims(ISS, AUD)
}

fn bad_tokens(sign: &dyn Fn(&Claims) -> String) -> Vec<(&'static str, String)> {
    let mut all = toolreg_auth::test_support::bad_tokens(&claims(), sign);
    all.push(("empty", String::new()));
    all
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
