//! Tenants, roles and their permissions, users, sessions, setup links, sign-in throttling and
//! instance settings: what the foundation (first admin, password sign-in) needs.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
    TenantId,
    Name,
    DisplayName,
    Description,
    Builtin,
    ResourceType,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RolePermissions {
    Table,
    RoleId,
    Permission,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TenantId,
    Email,
    DisplayName,
    PasswordHash,
    Status,
    RoleId,
    RoleManagedBy,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    Data,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum SetupTokens {
    Table,
    Id,
    TenantId,
    TokenHash,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    Key,
    Value,
}

/// A named foreign key from `from` to `to`.
fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(big_pk_auto(Tenants::Id))
                    .col(string_len_uniq(Tenants::Slug, 64))
                    .col(string_len(Tenants::Name, 100))
                    .col(timestamp_with_time_zone(Tenants::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Roles::Table)
                    .col(big_pk_auto(Roles::Id))
                    .col(big_integer(Roles::TenantId))
                    .col(string_len(Roles::Name, 64))
                    .col(string_len(Roles::DisplayName, 100))
                    .col(text(Roles::Description))
                    .col(boolean(Roles::Builtin))
                    .col(string_len_null(Roles::ResourceType, 64))
                    .col(timestamp_with_time_zone(Roles::CreatedAt))
                    .col(timestamp_with_time_zone(Roles::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_roles_tenant",
                        (Roles::Table, Roles::TenantId),
                        (Tenants::Table, Tenants::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_roles_tenant_name")
                    .table(Roles::Table)
                    .col(Roles::TenantId)
                    .col(Roles::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RolePermissions::Table)
                    .col(big_integer(RolePermissions::RoleId))
                    .col(string_len(RolePermissions::Permission, 100))
                    .primary_key(
                        Index::create()
                            .col(RolePermissions::RoleId)
                            .col(RolePermissions::Permission),
                    )
                    .foreign_key(&mut fk(
                        "fk_role_permissions_role",
                        (RolePermissions::Table, RolePermissions::RoleId),
                        (Roles::Table, Roles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer(Users::TenantId))
                    .col(string_len(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 100))
                    .col(text_null(Users::PasswordHash))
                    .col(string_len(Users::Status, 16))
                    .col(big_integer(Users::RoleId))
                    .col(string_len(Users::RoleManagedBy, 16))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_users_tenant",
                        (Users::Table, Users::TenantId),
                        (Tenants::Table, Tenants::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_users_role",
                        (Users::Table, Users::RoleId),
                        (Roles::Table, Roles::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_users_tenant_email")
                    .table(Users::Table)
                    .col(Users::TenantId)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::Id, 64).primary_key())
                    .col(big_integer_null(Sessions::UserId))
                    .col(text(Sessions::Data))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_expires")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SetupTokens::Table)
                    .col(big_pk_auto(SetupTokens::Id))
                    .col(big_integer(SetupTokens::TenantId))
                    .col(string_len_uniq(SetupTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(SetupTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(SetupTokens::UsedAt))
                    .foreign_key(&mut fk(
                        "fk_setup_tokens_tenant",
                        (SetupTokens::Table, SetupTokens::TenantId),
                        (Tenants::Table, Tenants::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(string_len(LoginThrottles::Key, 320).primary_key())
                    .col(integer(LoginThrottles::Failures))
                    .col(timestamp_with_time_zone(LoginThrottles::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottles::LockedUntil))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InstanceSettings::Table)
                    .col(string_len(InstanceSettings::Key, 64).primary_key())
                    .col(text(InstanceSettings::Value))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InstanceSettings::Table.into_iden(),
            LoginThrottles::Table.into_iden(),
            SetupTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
            RolePermissions::Table.into_iden(),
            Roles::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
