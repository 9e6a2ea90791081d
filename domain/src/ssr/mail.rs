//! Outgoing mail. A message is written to the outbox inside the transaction that causes it
//! (so an invitation and its mail are stored together or not at all), then delivered by
//! `Services::deliver_due_mail` through whatever `MailTransport` the server configured (SMTP).
//! A failed send stays in the outbox and is retried with growing delays, so no message is lost
//! while the mail server is down. Bodies can carry one-time links, so they are sealed at rest
//! and cleared once sent; logs name a message's id and kind, never its body.

use crate::dto::PasswordLink;
use crate::ssr::entities::{mail_outbox, tenant};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::services::Services;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::fmt;

/// `Secret::seal` purpose for outbox bodies.
const SEAL_PURPOSE: &str = "mail-outbox";
/// How long a worker owns a message it is sending; another worker may take it after that.
const CLAIM_SECONDS: i64 = 120;
/// Messages taken per delivery round.
const BATCH: u64 = 20;
/// First retry delay; it doubles with every failure up to `MAX_RETRY_SECONDS`.
const FIRST_RETRY_SECONDS: i64 = 30;
const MAX_RETRY_SECONDS: i64 = 3600;
/// How often the delivery loop looks for due retries when nothing wakes it.
const POLL_SECONDS: u64 = 15;
const MAX_ERROR_LEN: usize = 500;

/// One message, as a transport sends it. The sender address is the transport's business.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl fmt::Debug for OutgoingMail {
    // The body may hold a one-time link: keep it out of debug output and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why a transport could not send. The text is stored on the outbox row and logged, so a
/// transport must not put the message body or credentials in it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// Delivers one message. Implemented over SMTP by the server; tests use their own.
#[async_trait::async_trait]
pub trait MailTransport: Send + Sync + fmt::Debug {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

/// What a message is about; stored on the outbox row for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MailKind {
    Invitation,
    PasswordReset,
    RoleChanged,
}

impl MailKind {
    fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::PasswordReset => "password-reset",
            MailKind::RoleChanged => "role-changed",
        }
    }
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

/// Writes a message to the outbox. The caller runs this inside its own transaction, checks
/// `Services::mail_enabled` first, and calls `Services::wake_mail_delivery` after committing.
pub(crate) async fn enqueue(
    db: &impl ConnectionTrait,
    services: &Services,
    tenant_id: i64,
    kind: MailKind,
    to: &str,
    (subject, body): (String, String),
) -> DomainResult<()> {
    let now = Utc::now();
    mail_outbox::ActiveModel {
        tenant_id: Set(tenant_id),
        kind: Set(kind.as_str().into()),
        recipient: Set(to.to_owned()),
        subject: Set(subject),
        sealed_body: Set(Some(services.secret().seal(SEAL_PURPOSE, &body))),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        sent_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The tenant's display name, for message texts.
pub(crate) async fn tenant_name(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<String> {
    tenant::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .map(|t| t.name)
        .ok_or_else(|| DomainError::NotFound("tenant".into()))
}

/// Subject and body of an invitation with a set-password link.
pub(crate) fn invitation(
    tenant: &str,
    inviter: &str,
    role: &str,
    link: &PasswordLink,
) -> (String, String) {
    (
        format!("You are invited to {tenant} on Latchkey"),
        format!(
            "{inviter} invited you to {tenant} on Latchkey, with the role {role}.\n\n\
             Choose your password here (the link works once and expires on {expires}):\n\n\
             {url}\n\n\
             If you did not expect this invitation, ignore this message.\n",
            expires = link.expires_at.format("%Y-%m-%d %H:%M UTC"),
            url = link.url,
        ),
    )
}

/// Subject and body of an admin-initiated password reset.
pub(crate) fn password_reset(tenant: &str, link: &PasswordLink) -> (String, String) {
    (
        format!("Reset your Latchkey password for {tenant}"),
        format!(
            "An administrator of {tenant} reset your Latchkey password and signed you out \
             everywhere.\n\n\
             Choose a new password here (the link works once and expires on {expires}):\n\n\
             {url}\n\n\
             Until you do, your current password keeps working.\n",
            expires = link.expires_at.format("%Y-%m-%d %H:%M UTC"),
            url = link.url,
        ),
    )
}

/// Subject and body of a reset link someone asked for on the login page.
pub(crate) fn password_reset_requested(tenant: &str, link: &PasswordLink) -> (String, String) {
    (
        format!("Reset your Latchkey password for {tenant}"),
        format!(
            "Someone asked to reset the Latchkey password of this address at {tenant}.\n\n\
             Choose a new password here (the link works once and expires on {expires}):\n\n\
             {url}\n\n\
             If you did not ask, ignore this message: your password stays as it is.\n",
            expires = link.expires_at.format("%Y-%m-%d %H:%M UTC"),
            url = link.url,
        ),
    )
}

/// Subject and body of a role-change notice.
pub(crate) fn role_changed(
    tenant: &str,
    from: &str,
    to: &str,
    by: &str,
    console_url: &str,
) -> (String, String) {
    (
        format!("Your role in {tenant} is now {to}"),
        format!(
            "{by} changed your role in {tenant} on Latchkey from {from} to {to}. \
             It applies from your next action in the console or the API.\n\n{console_url}\n"
        ),
    )
}

fn retry_delay(attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    Duration::seconds((FIRST_RETRY_SECONDS << doublings).min(MAX_RETRY_SECONDS))
}

fn clip(mut text: String) -> String {
    if text.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

impl Services {
    /// Whether messages are delivered by mail. Without it, one-time links are shown to the
    /// admin instead and nothing is queued.
    pub fn mail_enabled(&self) -> bool {
        self.config().mail.is_some()
    }

    /// Sends the outbox's due messages once. Each message is claimed first, so several server
    /// processes can run this at the same time without sending a message twice.
    pub async fn deliver_due_mail(&self) -> DomainResult<DeliveryReport> {
        let mut report = DeliveryReport::default();
        let Some(transport) = self.config().mail.clone() else {
            return Ok(report);
        };
        let db = self.db();
        let now = Utc::now();
        let unclaimed = || {
            Condition::any()
                .add(mail_outbox::Column::ClaimedUntil.is_null())
                .add(mail_outbox::Column::ClaimedUntil.lt(now))
        };
        let due = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::SentAt.is_null())
            .filter(mail_outbox::Column::NextAttemptAt.lte(now))
            .filter(unclaimed())
            .order_by_asc(mail_outbox::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        for message in due {
            let claimed = mail_outbox::Entity::update_many()
                .col_expr(
                    mail_outbox::Column::ClaimedUntil,
                    Expr::value(now + Duration::seconds(CLAIM_SECONDS)),
                )
                .filter(mail_outbox::Column::Id.eq(message.id))
                .filter(mail_outbox::Column::SentAt.is_null())
                .filter(unclaimed())
                .exec(db)
                .await?;
            if claimed.rows_affected != 1 {
                continue; // another worker has it
            }
            let outcome = match message
                .sealed_body
                .as_deref()
                .and_then(|sealed| self.secret().unseal(SEAL_PURPOSE, sealed))
            {
                Some(body) => {
                    let mail = OutgoingMail {
                        to: message.recipient.clone(),
                        subject: message.subject.clone(),
                        body,
                    };
                    transport.send(&mail).await
                }
                None => Err(MailError(
                    "The message cannot be opened: it was sealed under another LATCHKEY_SECRET."
                        .into(),
                )),
            };
            let attempts = message.attempts.saturating_add(1);
            let (id, kind) = (message.id, message.kind.clone());
            let mut row: mail_outbox::ActiveModel = message.into();
            row.attempts = Set(attempts);
            row.claimed_until = Set(None);
            let finished_at = Utc::now();
            match outcome {
                Ok(()) => {
                    row.sent_at = Set(Some(finished_at));
                    row.sealed_body = Set(None);
                    row.last_error = Set(None);
                    report.sent += 1;
                    tracing::info!(mail = id, kind = %kind, attempts, "mail sent");
                }
                Err(MailError(reason)) => {
                    let retry_at: DateTime<Utc> = finished_at + retry_delay(attempts);
                    row.next_attempt_at = Set(retry_at);
                    row.last_error = Set(Some(clip(reason.clone())));
                    report.failed += 1;
                    tracing::warn!(mail = id, kind = %kind, attempts, %retry_at, error = %reason, "mail not sent; will retry");
                }
            }
            row.update(db).await?;
        }
        Ok(report)
    }

    /// Delivers mail until the process ends: a round whenever a message is queued, and every
    /// few seconds for retries. Does nothing when mail is not configured.
    pub async fn run_mail_delivery(self) {
        if !self.mail_enabled() {
            return;
        }
        loop {
            if let Err(e) = self.deliver_due_mail().await {
                tracing::warn!(error = %e, "mail delivery round failed");
            }
            // A wake-up sent while the round ran is kept by `Notify`, so none is missed.
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(POLL_SECONDS),
                self.mail_wakeup().notified(),
            )
            .await;
        }
    }

    /// Tells the delivery loop that a message was queued. Call after the commit.
    pub(crate) fn wake_mail_delivery(&self) {
        self.mail_wakeup().notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(5), Duration::seconds(480));
        assert_eq!(retry_delay(8), Duration::seconds(3600));
        assert_eq!(retry_delay(1000), Duration::seconds(3600));
    }

    #[test]
    fn long_errors_are_clipped_on_a_character_boundary() {
        let clipped = clip("é".repeat(400));
        assert!(clipped.len() <= MAX_ERROR_LEN);
        assert!(clipped.chars().all(|c| c == 'é'));
    }
}
