//! Why a token was refused. Every variant becomes a 401 with
//! `WWW-Authenticate: Bearer error="invalid_token"` at the API edge; the
//! text is for logs and the problem detail, never a hint about keys.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("Authorization-headeren må være «Bearer <token>»")]
    MalformedHeader,
    #[error("tokenet kan ikke leses")]
    Malformed,
    #[error("tokenet er utløpt")]
    Expired,
    #[error("tokenet er ikke gyldig ennå")]
    NotYetValid,
    #[error("tokenet er utstedt av en annen utsteder")]
    WrongIssuer,
    #[error("tokenet er laget for en annen mottaker")]
    WrongAudience,
    #[error("signaturen er ugyldig")]
    BadSignature,
    #[error("algoritmen {0} er ikke tillatt")]
    AlgorithmNotAllowed(String),
    #[error("tokenet mangler subjekt (sub)")]
    EmptySubject,
    #[error("tokenet varer lenger enn {0} sekunder, som er det lengste som godtas")]
    LivesTooLong(u64),
    #[error("ukjent nøkkel-id (kid)")]
    UnknownKey,
    #[error("nøkler fra JWKS kunne ikke hentes: {0}")]
    Jwks(String),
}

impl From<jsonwebtoken::errors::Error> for AuthError {
    fn from(e: jsonwebtoken::errors::Error) -> Self {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
            ErrorKind::InvalidAudience => AuthError::WrongAudience,
            ErrorKind::InvalidSignature => AuthError::BadSignature,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                AuthError::AlgorithmNotAllowed("som brukt".into())
            }
            _ => AuthError::Malformed,
        }
    }
}
