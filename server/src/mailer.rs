//! Mail delivery over SMTP with lettre, behind the domain's `MailTransport`. lettre is the
//! maintained SMTP client for async Rust (connection pooling, STARTTLS and implicit TLS with
//! rustls, URL configuration), so Latchkey speaks no SMTP of its own.

use async_trait::async_trait;
use domain::{MailError, MailTransport, OutgoingMail};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;

/// How long one SMTP conversation may take before the send counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url` is LATCHKEY_SMTP_URL and may carry credentials, so errors never repeat it.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("LATCHKEY_SMTP_FROM is not a valid sender address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| {
                "LATCHKEY_SMTP_URL is not a valid SMTP URL (smtp://host:port, smtps://user:password@host:port)"
                    .to_string()
            })?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(SmtpMailer { transport, from })
    }
}

impl fmt::Debug for SmtpMailer {
    // The transport holds the credentials: show only the sender.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| MailError(format!("invalid recipient address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| MailError(format!("could not build the message: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError(format!("SMTP delivery failed: {e}")))
    }
}
