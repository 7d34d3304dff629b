//! Minting HS256 tokens with the local secret, for development and the
//! README's examples (`toolreg token`).

use crate::role::{Claims, Role};
use jsonwebtoken::{encode, EncodingKey, Header};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
pub fn mint(
    secret: &[u8],
    sub: &str,
    org: Option<&str>,
    roles: &[Role],
    ttl_secs: u64,
    issuer: &str,
    audience: &str,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = now_secs();
    let claims = Claims {
        sub: sub.to_string(),
        org: org.map(str::to_string),
        roles: roles.to_vec(),
        exp: now + ttl_secs,
        nbf: Some(now),
        iss: issuer.to_string(),
        aud: crate::role::Audience::One(audience.to_string()),
    };
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret),
    )
}
