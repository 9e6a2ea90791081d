//! Who last saved an identity provider's mapping rules. A rule hands out roles and team
//! memberships at every later sign-in, so the granting rule is checked again then, against
//! this user as they are at that moment: a rule whose author no longer holds what it hands
//! out (demoted, deactivated, deleted) stops applying until someone who does saves it again.
//! No foreign key (SQLite cannot add one to an existing table): deleting a user clears it, and
//! ids are never reused (AUTOINCREMENT), so a stale id names nobody.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdentityProviders {
    Table,
    RulesAuthorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdentityProviders::Table)
                    .add_column(
                        ColumnDef::new(IdentityProviders::RulesAuthorId)
                            .big_integer()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdentityProviders::Table)
                    .drop_column(IdentityProviders::RulesAuthorId)
                    .to_owned(),
            )
            .await
    }
}
