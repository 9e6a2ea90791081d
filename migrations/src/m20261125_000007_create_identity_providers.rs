//! Single sign-on: OIDC identity providers with their group -> role and group -> team mapping
//! rules, the identities users sign in with, where a team membership came from (so SSO only
//! ever removes the memberships it made), and the tenant's switch for password sign-in.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdentityProviders {
    Table,
    Id,
    TenantId,
    Slug,
    Preset,
    DisplayName,
    IssuerUrl,
    ClientId,
    SealedClientSecret,
    Scopes,
    GroupsClaim,
    AllowedDomains,
    Provisioning,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IdentityProviderRoleMappings {
    Table,
    Id,
    ProviderId,
    Position,
    IdpGroup,
    RoleId,
}

#[derive(DeriveIden)]
enum IdentityProviderTeamMappings {
    Table,
    Id,
    ProviderId,
    IdpGroup,
    TeamId,
}

#[derive(DeriveIden)]
enum UserIdentities {
    Table,
    Id,
    TenantId,
    UserId,
    ProviderId,
    Issuer,
    Subject,
    CreatedAt,
    LastSignInAt,
}

#[derive(DeriveIden)]
enum TeamMembers {
    Table,
    Source,
}

#[derive(DeriveIden)]
enum SecuritySettings {
    Table,
    PasswordSignIn,
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

#[derive(DeriveIden)]
enum Roles {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdentityProviders::Table)
                    .col(big_pk_auto(IdentityProviders::Id))
                    .col(big_integer(IdentityProviders::TenantId))
                    .col(string_len(IdentityProviders::Slug, 64))
                    .col(string_len(IdentityProviders::Preset, 16))
                    .col(string_len(IdentityProviders::DisplayName, 64))
                    .col(string_len(IdentityProviders::IssuerUrl, 512))
                    .col(string_len(IdentityProviders::ClientId, 256))
                    .col(text(IdentityProviders::SealedClientSecret))
                    .col(string_len(IdentityProviders::Scopes, 256))
                    .col(string_len_null(IdentityProviders::GroupsClaim, 64))
                    .col(text(IdentityProviders::AllowedDomains))
                    .col(string_len(IdentityProviders::Provisioning, 16))
                    .col(boolean(IdentityProviders::Enabled))
                    .col(timestamp_with_time_zone(IdentityProviders::CreatedAt))
                    .col(timestamp_with_time_zone(IdentityProviders::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_identity_providers_tenant")
                            .from(IdentityProviders::Table, IdentityProviders::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_identity_providers_tenant_slug")
                    .table(IdentityProviders::Table)
                    .col(IdentityProviders::TenantId)
                    .col(IdentityProviders::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdentityProviderRoleMappings::Table)
                    .col(big_pk_auto(IdentityProviderRoleMappings::Id))
                    .col(big_integer(IdentityProviderRoleMappings::ProviderId))
                    .col(integer(IdentityProviderRoleMappings::Position))
                    .col(string_len(IdentityProviderRoleMappings::IdpGroup, 256))
                    .col(big_integer(IdentityProviderRoleMappings::RoleId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idp_role_mappings_provider")
                            .from(
                                IdentityProviderRoleMappings::Table,
                                IdentityProviderRoleMappings::ProviderId,
                            )
                            .to(IdentityProviders::Table, IdentityProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A role a mapping hands out is not deleted (the service lists the mapping).
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idp_role_mappings_role")
                            .from(
                                IdentityProviderRoleMappings::Table,
                                IdentityProviderRoleMappings::RoleId,
                            )
                            .to(Roles::Table, Roles::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_idp_role_mappings_provider")
                    .table(IdentityProviderRoleMappings::Table)
                    .col(IdentityProviderRoleMappings::ProviderId)
                    .col(IdentityProviderRoleMappings::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdentityProviderTeamMappings::Table)
                    .col(big_pk_auto(IdentityProviderTeamMappings::Id))
                    .col(big_integer(IdentityProviderTeamMappings::ProviderId))
                    .col(string_len(IdentityProviderTeamMappings::IdpGroup, 256))
                    .col(big_integer(IdentityProviderTeamMappings::TeamId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idp_team_mappings_provider")
                            .from(
                                IdentityProviderTeamMappings::Table,
                                IdentityProviderTeamMappings::ProviderId,
                            )
                            .to(IdentityProviders::Table, IdentityProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // Deleting a team drops the rules that fill it.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idp_team_mappings_team")
                            .from(
                                IdentityProviderTeamMappings::Table,
                                IdentityProviderTeamMappings::TeamId,
                            )
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_idp_team_mappings_provider")
                    .table(IdentityProviderTeamMappings::Table)
                    .col(IdentityProviderTeamMappings::ProviderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserIdentities::Table)
                    .col(big_pk_auto(UserIdentities::Id))
                    .col(big_integer(UserIdentities::TenantId))
                    .col(big_integer(UserIdentities::UserId))
                    .col(big_integer(UserIdentities::ProviderId))
                    .col(string_len(UserIdentities::Issuer, 512))
                    .col(string_len(UserIdentities::Subject, 256))
                    .col(timestamp_with_time_zone(UserIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(UserIdentities::LastSignInAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_identities_tenant")
                            .from(UserIdentities::Table, UserIdentities::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_identities_user")
                            .from(UserIdentities::Table, UserIdentities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_identities_provider")
                            .from(UserIdentities::Table, UserIdentities::ProviderId)
                            .to(IdentityProviders::Table, IdentityProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Users are keyed by (issuer, subject): one identity, one user.
        manager
            .create_index(
                Index::create()
                    .name("ux_user_identities_issuer_subject")
                    .table(UserIdentities::Table)
                    .col(UserIdentities::TenantId)
                    .col(UserIdentities::Issuer)
                    .col(UserIdentities::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_identities_user")
                    .table(UserIdentities::Table)
                    .col(UserIdentities::UserId)
                    .to_owned(),
            )
            .await?;
        // Existing memberships were made by hand.
        manager
            .alter_table(
                Table::alter()
                    .table(TeamMembers::Table)
                    .add_column(string_len(TeamMembers::Source, 8).default("manual"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SecuritySettings::Table)
                    .add_column(boolean(SecuritySettings::PasswordSignIn).default(true))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SecuritySettings::Table)
                    .drop_column(SecuritySettings::PasswordSignIn)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TeamMembers::Table)
                    .drop_column(TeamMembers::Source)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(UserIdentities::Table).to_owned())
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(IdentityProviderTeamMappings::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(IdentityProviderRoleMappings::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(IdentityProviders::Table).to_owned())
            .await?;
        Ok(())
    }
}
