//! Resources Latchkey records (clusters, workspaces inside them, provider accounts, MCP servers,
//! agents, repositories, secret groups) and the collaborators granted roles on them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Resources {
    Table,
    Id,
    TenantId,
    ResourceType,
    Name,
    ParentId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Collaborators {
    Table,
    Id,
    TenantId,
    ResourceId,
    SubjectKind,
    SubjectId,
    RoleId,
    GrantedBy,
    GrantedAt,
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
                    .table(Resources::Table)
                    .col(big_pk_auto(Resources::Id))
                    .col(big_integer(Resources::TenantId))
                    .col(string_len(Resources::ResourceType, 32))
                    .col(string_len(Resources::Name, 64))
                    .col(big_integer_null(Resources::ParentId))
                    .col(big_integer_null(Resources::CreatedBy))
                    .col(timestamp_with_time_zone(Resources::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resources_tenant")
                            .from(Resources::Table, Resources::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A cluster with workspaces is not deleted (the service refuses first).
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resources_parent")
                            .from(Resources::Table, Resources::ParentId)
                            .to(Resources::Table, Resources::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    // Resources a user created stay when the user is deleted.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_resources_created_by")
                            .from(Resources::Table, Resources::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Names are unique per type in a tenant (a workspace's name too, whatever its cluster).
        manager
            .create_index(
                Index::create()
                    .name("ux_resources_tenant_type_name")
                    .table(Resources::Table)
                    .col(Resources::TenantId)
                    .col(Resources::ResourceType)
                    .col(Resources::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Collaborators::Table)
                    .col(big_pk_auto(Collaborators::Id))
                    .col(big_integer(Collaborators::TenantId))
                    .col(big_integer(Collaborators::ResourceId))
                    .col(string_len(Collaborators::SubjectKind, 16))
                    .col(big_integer(Collaborators::SubjectId))
                    .col(big_integer(Collaborators::RoleId))
                    .col(big_integer_null(Collaborators::GrantedBy))
                    .col(timestamp_with_time_zone(Collaborators::GrantedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaborators_resource")
                            .from(Collaborators::Table, Collaborators::ResourceId)
                            .to(Resources::Table, Resources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaborators_role")
                            .from(Collaborators::Table, Collaborators::RoleId)
                            .to(Roles::Table, Roles::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaborators_granted_by")
                            .from(Collaborators::Table, Collaborators::GrantedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Seed 004: "Collaborator with this subject and role already exists on the resource".
        manager
            .create_index(
                Index::create()
                    .name("ux_collaborators_grant")
                    .table(Collaborators::Table)
                    .col(Collaborators::ResourceId)
                    .col(Collaborators::SubjectKind)
                    .col(Collaborators::SubjectId)
                    .col(Collaborators::RoleId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // "What does this subject hold?" (decisions, delete blockers).
        manager
            .create_index(
                Index::create()
                    .name("ix_collaborators_subject")
                    .table(Collaborators::Table)
                    .col(Collaborators::SubjectKind)
                    .col(Collaborators::SubjectId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Collaborators::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Resources::Table).to_owned())
            .await
    }
}
