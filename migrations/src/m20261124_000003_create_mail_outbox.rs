//! The mail outbox: every message Latchkey sends (invitations, password resets, role-change
//! notices) is written here in the transaction that causes it, then delivered over SMTP by a
//! worker that retries failures. The body is sealed (encrypted under the instance secret)
//! because it can carry a one-time link, and is cleared once the message is sent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    TenantId,
    Kind,
    Recipient,
    Subject,
    SealedBody,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(big_pk_auto(MailOutbox::Id))
                    .col(big_integer(MailOutbox::TenantId))
                    .col(string_len(MailOutbox::Kind, 32))
                    .col(string_len(MailOutbox::Recipient, 320))
                    .col(string_len(MailOutbox::Subject, 255))
                    .col(text_null(MailOutbox::SealedBody))
                    .col(timestamp_with_time_zone(MailOutbox::CreatedAt))
                    .col(integer(MailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(text_null(MailOutbox::LastError))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mail_outbox_tenant")
                            .from(MailOutbox::Table, MailOutbox::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's query: unsent messages that are due.
        manager
            .create_index(
                Index::create()
                    .name("ix_mail_outbox_due")
                    .table(MailOutbox::Table)
                    .col(MailOutbox::SentAt)
                    .col(MailOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailOutbox::Table).to_owned())
            .await
    }
}
