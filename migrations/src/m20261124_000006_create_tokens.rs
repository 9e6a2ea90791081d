//! Personal access tokens and virtual accounts (API callers that are not people), their
//! tokens, and the tenant's security settings (limits on personal access tokens).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VirtualAccounts {
    Table,
    Id,
    TenantId,
    Name,
    OwnerTeamId,
    ExpiresAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tokens {
    Table,
    Id,
    TenantId,
    Kind,
    UserId,
    VirtualAccountId,
    Name,
    TokenHash,
    SealedToken,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    LastUsedIp,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SecuritySettings {
    Table,
    TenantId,
    PatMaxAgeDays,
    PatMaxActive,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VirtualAccounts::Table)
                    .col(big_pk_auto(VirtualAccounts::Id))
                    .col(big_integer(VirtualAccounts::TenantId))
                    .col(string_len(VirtualAccounts::Name, 64))
                    .col(big_integer(VirtualAccounts::OwnerTeamId))
                    .col(timestamp_with_time_zone_null(VirtualAccounts::ExpiresAt))
                    .col(big_integer_null(VirtualAccounts::CreatedBy))
                    .col(timestamp_with_time_zone(VirtualAccounts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_virtual_accounts_tenant")
                            .from(VirtualAccounts::Table, VirtualAccounts::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A team that owns virtual accounts is not deleted (the service says so).
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_virtual_accounts_owner_team")
                            .from(VirtualAccounts::Table, VirtualAccounts::OwnerTeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_virtual_accounts_created_by")
                            .from(VirtualAccounts::Table, VirtualAccounts::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_virtual_accounts_tenant_name")
                    .table(VirtualAccounts::Table)
                    .col(VirtualAccounts::TenantId)
                    .col(VirtualAccounts::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tokens::Table)
                    .col(big_pk_auto(Tokens::Id))
                    .col(big_integer(Tokens::TenantId))
                    .col(string_len(Tokens::Kind, 8))
                    .col(big_integer_null(Tokens::UserId))
                    .col(big_integer_null(Tokens::VirtualAccountId))
                    .col(string_len(Tokens::Name, 64))
                    .col(string_len(Tokens::TokenHash, 64))
                    .col(text_null(Tokens::SealedToken))
                    .col(timestamp_with_time_zone(Tokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(Tokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Tokens::LastUsedAt))
                    .col(string_len_null(Tokens::LastUsedIp, 64))
                    .col(timestamp_with_time_zone_null(Tokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tokens_tenant")
                            .from(Tokens::Table, Tokens::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A deleted user's or virtual account's tokens go with them.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tokens_user")
                            .from(Tokens::Table, Tokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tokens_virtual_account")
                            .from(Tokens::Table, Tokens::VirtualAccountId)
                            .to(VirtualAccounts::Table, VirtualAccounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Every authenticated API call looks its token up by hash.
        manager
            .create_index(
                Index::create()
                    .name("ux_tokens_hash")
                    .table(Tokens::Table)
                    .col(Tokens::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tokens_user")
                    .table(Tokens::Table)
                    .col(Tokens::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tokens_virtual_account")
                    .table(Tokens::Table)
                    .col(Tokens::VirtualAccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SecuritySettings::Table)
                    .col(big_integer(SecuritySettings::TenantId).primary_key())
                    .col(integer_null(SecuritySettings::PatMaxAgeDays))
                    .col(integer_null(SecuritySettings::PatMaxActive))
                    .col(timestamp_with_time_zone(SecuritySettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_security_settings_tenant")
                            .from(SecuritySettings::Table, SecuritySettings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SecuritySettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Tokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(VirtualAccounts::Table).to_owned())
            .await
    }
}
