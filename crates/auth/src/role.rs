//! Roles a token can carry, and the caller a request resolves to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Reviewer,
    Vendor,
    Municipality,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Vendor => "vendor",
            Role::Municipality => "municipality",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "reviewer" => Some(Role::Reviewer),
            "vendor" => Some(Role::Vendor),
            "municipality" => Some(Role::Municipality),
            _ => None,
        }
    }
}

/// The claims toolreg reads from a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The organisation number the caller acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    pub iss: String,
    pub aud: Audience,
}

/// `aud` is one string or an array of them (RFC 7519 §4.1.3); the token is
/// for us when the configured audience is among them (jsonwebtoken checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl From<&str> for Audience {
    fn from(a: &str) -> Self {
        Audience::One(a.to_string())
    }
}

/// Who is calling: nobody in particular, or an authenticated principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonymous,
    Authenticated {
        sub: String,
        org: Option<String>,
        roles: Vec<Role>,
    },
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        matches!(self, Principal::Authenticated { roles, .. } if roles.contains(&role))
    }

    pub fn sub(&self) -> &str {
        match self {
            Principal::Anonymous => "anonymous",
            Principal::Authenticated { sub, .. } => sub,
        }
    }

    pub fn org(&self) -> Option<&str> {
        match self {
            Principal::Anonymous => None,
            Principal::Authenticated { org, .. } => org.as_deref(),
        }
    }
}

impl From<Claims> for Principal {
    fn from(c: Claims) -> Self {
        Principal::Authenticated {
            sub: c.sub,
            org: c.org,
            roles: c.roles,
        }
    }
}
