//! `toolreg token`: mint a token with the local secret (development and
//! examples), refusing what the service itself would refuse.

use crate::config::Config;
use crate::database::StartError;

pub struct TokenRequest<'a> {
    pub roles: &'a [String],
    pub org: Option<&'a str>,
    pub sub: &'a str,
    pub ttl: u64,
}

pub fn run(config: &Config, request: &TokenRequest<'_>) -> Result<(), StartError> {
    let roles = request
        .roles
        .iter()
        .map(|r| {
            toolreg_auth::Role::parse(r).ok_or_else(|| {
                StartError::Token(format!(
                    "ukjent rolle «{r}»; bruk admin, reviewer, vendor eller municipality"
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if request.ttl > config.auth.max_lifetime {
        return Err(StartError::Token(format!(
            "--ttl {} er lengre enn TOOLREG_JWT_MAX_LIFETIME ({} sekunder); tjenesten ville avvist tokenet",
            request.ttl, config.auth.max_lifetime
        )));
    }
    if config.auth.jwks_url.is_some() {
        return Err(StartError::Token(
            "TOOLREG_JWKS_URL er satt: tokens utstedes da av identitetsleverandøren, ikke her"
                .into(),
        ));
    }
    let secret = crate::auth_setup::shared_secret(config)?;
    let token = toolreg_auth::mint::mint(
        &secret,
        request.sub,
        request.org,
        &roles,
        request.ttl,
        &config.auth.issuer,
        &config.auth.audience,
    )
    .map_err(|e| StartError::Token(e.to_string()))?;
    println!("{token}");
    Ok(())
}
