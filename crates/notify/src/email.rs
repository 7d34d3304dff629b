//! Sending letters by SMTP (`TOOLREG_SMTP_URL`, e.g.
//! `smtp://relay.kommune.example:587?tls=required` or
//! `smtps://user:password@smtp.example:465`). An attempt ends like a
//! webhook's: delivered, failed for now (tried again with backoff), or
//! refused for good (a permanent 5xx reply: the delivery is dead).

use crate::letter::Letter;
use crate::webhook::Sent;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum EmailSetupError {
    #[error("TOOLREG_SMTP_URL cannot be used: {0}")]
    Url(String),
    #[error("TOOLREG_SMTP_FROM is not an e-mail address: {0}")]
    From(String),
}

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// SMTP sessions open at once: a batch of letters must not look like a
/// flood to the relay.
const SMTP_SESSIONS: usize = 8;

pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    sessions: tokio::sync::Semaphore,
}

impl EmailSender {
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, EmailSetupError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| EmailSetupError::Url(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| EmailSetupError::From(format!("{from}: {e}")))?;
        Ok(Self {
            transport,
            from,
            sessions: tokio::sync::Semaphore::new(SMTP_SESSIONS),
        })
    }

    /// The domain of the sender's address, for Message-IDs.
    fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// Send one letter to `to`. `message_key` makes the Message-ID, the same
    /// on every attempt, so a repeat after a crash can be recognised.
    pub async fn send(&self, to: &[String], letter: &Letter, message_key: &str) -> Sent {
        let message = match self.message(to, letter, message_key) {
            Ok(m) => m,
            Err(error) => return Sent::Refused { error },
        };
        // The semaphore is never closed, so a permit always comes.
        let _session = self.sessions.acquire().await.ok();
        match self.transport.send(message).await {
            Ok(response) => Sent::Delivered {
                status: u16::from(response.code()),
            },
            Err(e) => {
                let status = e.status().map(u16::from);
                let error = format!("SMTP: {e}");
                if e.is_permanent() {
                    Sent::Refused { error }
                } else {
                    Sent::Failed {
                        status,
                        error,
                        retry_after: None,
                    }
                }
            }
        }
    }

    fn message(
        &self,
        to: &[String],
        letter: &Letter,
        message_key: &str,
    ) -> Result<Message, String> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(letter.subject.clone())
            .message_id(Some(format!("<{message_key}@{}>", self.domain())))
            .raw_header(header("Auto-Submitted", "auto-generated")?);
        for address in to {
            let mailbox = address
                .parse::<Mailbox>()
                .map_err(|e| format!("ugyldig e-postadresse {address}: {e}"))?;
            builder = builder.to(mailbox);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                letter.text.clone(),
                letter.html.clone(),
            ))
            .map_err(|e| format!("e-posten kan ikke settes sammen: {e}"))
    }
}

/// A header lettre has no type for.
fn header(name: &str, value: &str) -> Result<HeaderValue, String> {
    let name = HeaderName::new_from_ascii(name.to_string()).map_err(|e| e.to_string())?;
    Ok(HeaderValue::new(name, value.to_string()))
}
