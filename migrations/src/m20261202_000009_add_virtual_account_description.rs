//! Virtual accounts can be edited: a description, and when they were last changed. The time
//! is nullable because SQLite cannot add a column whose default is the current time; until an
//! account is first changed, its creation time stands for it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum VirtualAccounts {
    Table,
    Description,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(VirtualAccounts::Table)
                    .add_column(
                        ColumnDef::new(VirtualAccounts::Description)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(VirtualAccounts::Table)
                    .add_column(
                        ColumnDef::new(VirtualAccounts::UpdatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [VirtualAccounts::UpdatedAt, VirtualAccounts::Description] {
            manager
                .alter_table(
                    Table::alter()
                        .table(VirtualAccounts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
