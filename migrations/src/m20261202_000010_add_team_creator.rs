//! Who created a team, as TrueFoundry's API reports it (`createdBySubject`). Teams created
//! before this migration have no creator on record. No foreign key (SQLite cannot add one to
//! an existing table): ids are never reused (AUTOINCREMENT), so the id of a deleted user names
//! nobody and reads as no creator.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Teams {
    Table,
    CreatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .add_column(ColumnDef::new(Teams::CreatedBy).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Teams::Table)
                    .drop_column(Teams::CreatedBy)
                    .to_owned(),
            )
            .await
    }
}
