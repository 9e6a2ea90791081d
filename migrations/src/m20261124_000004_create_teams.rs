//! Teams and their members. A team may hold a tenant role, which every member inherits (the
//! union with their own role). Members are `member` or `manager`; managers look after their
//! team's membership.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    RoleId,
    ManagedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TeamMembers {
    Table,
    TeamId,
    UserId,
    Role,
    AddedAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Roles {
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
                    .table(Teams::Table)
                    .col(big_pk_auto(Teams::Id))
                    .col(big_integer(Teams::TenantId))
                    .col(string_len(Teams::Name, 64))
                    .col(text(Teams::Description))
                    .col(big_integer_null(Teams::RoleId))
                    .col(string_len(Teams::ManagedBy, 16))
                    .col(timestamp_with_time_zone(Teams::CreatedAt))
                    .col(timestamp_with_time_zone(Teams::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_teams_tenant")
                            .from(Teams::Table, Teams::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A role a team holds cannot be deleted (the service refuses first, naming
                    // the teams); the key keeps the data right if anything tries.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_teams_role")
                            .from(Teams::Table, Teams::RoleId)
                            .to(Roles::Table, Roles::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_teams_tenant_name")
                    .table(Teams::Table)
                    .col(Teams::TenantId)
                    .col(Teams::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TeamMembers::Table)
                    .col(big_integer(TeamMembers::TeamId))
                    .col(big_integer(TeamMembers::UserId))
                    .col(string_len(TeamMembers::Role, 16))
                    .col(timestamp_with_time_zone(TeamMembers::AddedAt))
                    .primary_key(
                        Index::create()
                            .col(TeamMembers::TeamId)
                            .col(TeamMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_team_members_team")
                            .from(TeamMembers::Table, TeamMembers::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // Deleting a user is refused while they belong to a team; the key backs it.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_team_members_user")
                            .from(TeamMembers::Table, TeamMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // "Which teams is this user in?" (effective permissions, delete blockers).
        manager
            .create_index(
                Index::create()
                    .name("ix_team_members_user")
                    .table(TeamMembers::Table)
                    .col(TeamMembers::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TeamMembers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Teams::Table).to_owned())
            .await
    }
}
