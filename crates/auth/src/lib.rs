//! toolreg-auth: who is calling (JWT bearer tokens, HS256 for the embedded
//! default or RS256/ES256 from a JWKS URL) and what they may do.

pub mod error;
pub mod jwks;
pub mod mint;
pub mod role;
pub mod secret;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod validator;

pub use error::AuthError;
pub use role::{Claims, Principal, Role};
pub use validator::{KeySource, Validator};
