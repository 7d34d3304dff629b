//! Sending one webhook: a POST of the message with the Standard Webhooks
//! headers, through a client that resolves names with the SSRF guard,
//! follows no redirect and gives up after its timeouts.

use crate::signing::{signature_header, SigningSecret};
use crate::target::{GuardedResolver, Lookup, TargetPolicy};
use chrono::{DateTime, Duration, Utc};
use reqwest::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use std::sync::Arc;

/// How long a receiver may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: std::time::Duration,
    pub total: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: std::time::Duration::from_secs(5),
            total: std::time::Duration::from_secs(15),
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// 2xx.
    Delivered { status: u16 },
    /// 410: the receiver is gone for good.
    Gone,
    /// Any other answer, or none; `retry_after` when a 429 or 503 said when.
    Failed {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
    /// The target is internal (by its literal address, or what its name
    /// resolves to now): never sent, and never will be.
    Refused { error: String },
}

#[derive(Debug, thiserror::Error)]
#[error("the webhook client cannot be built: {0}")]
pub struct ClientError(#[from] reqwest::Error);

pub struct WebhookSender {
    client: reqwest::Client,
    policy: TargetPolicy,
}

impl WebhookSender {
    pub fn new(
        policy: TargetPolicy,
        lookup: Lookup,
        timeouts: Timeouts,
    ) -> Result<Self, ClientError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .dns_resolver(Arc::new(GuardedResolver::new(policy, lookup)))
            .user_agent(concat!("toolreg-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, policy })
    }

    /// POST `body` to `url`, signed with every secret in `secrets`.
    pub async fn send(
        &self,
        url: &str,
        webhook_id: &str,
        body: Vec<u8>,
        secrets: &[&SigningSecret],
        now: DateTime<Utc>,
    ) -> Sent {
        // The resolver guards names; a literal address never reaches it.
        if let Err(refused) = self.policy.check_url(url) {
            return Sent::Refused {
                error: refused.to_string(),
            };
        }
        let timestamp = now.timestamp();
        let signature = signature_header(secrets, webhook_id, timestamp, &body);
        let sent = self
            .client
            .post(url)
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header("webhook-id", webhook_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => classify(response, now),
            Err(e) => match refusal(&e) {
                Some(error) => Sent::Refused { error },
                None => Sent::Failed {
                    status: None,
                    error: describe(&e),
                    retry_after: None,
                },
            },
        }
    }
}

fn classify(response: reqwest::Response, now: DateTime<Utc>) -> Sent {
    let status = response.status();
    if status.is_success() {
        return Sent::Delivered {
            status: status.as_u16(),
        };
    }
    if status == StatusCode::GONE {
        return Sent::Gone;
    }
    let retry_after = matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    )
    .then(|| response.headers().get(RETRY_AFTER))
    .flatten()
    .and_then(|v| v.to_str().ok())
    .and_then(|v| crate::retry::parse_retry_after(v, now));
    let error = if status.is_redirection() {
        format!("{status}: omdirigeringer følges ikke; registrer adressen det pekes til")
    } else {
        status.to_string()
    };
    Sent::Failed {
        status: Some(status.as_u16()),
        error,
        retry_after,
    }
}

/// The guard's refusal inside a connection error, if that is what it is.
fn refusal(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(refused) = err.downcast_ref::<crate::target::TargetError>() {
            return match refused {
                crate::target::TargetError::Unresolved(_) => None,
                other => Some(other.to_string()),
            };
        }
        source = err.source();
    }
    None
}

/// A network error in words, with its causes (reqwest's own text is
/// "error sending request" and little more).
fn describe(e: &reqwest::Error) -> String {
    let mut parts = vec![if e.is_timeout() {
        "tidsavbrudd".to_string()
    } else {
        e.to_string()
    }];
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        parts.push(err.to_string());
        source = err.source();
    }
    parts.join(": ")
}
