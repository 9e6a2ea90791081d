//! The database schema, one migration per change (`mYYYYMMDD_NNNNNN_verb_noun.rs`).
//! Every later change adds a file; released migrations are never edited.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_foundation;
mod m20261123_000002_create_password_tokens;
mod m20261124_000003_create_mail_outbox;
mod m20261124_000004_create_teams;
mod m20261124_000005_create_resources;
mod m20261124_000006_create_tokens;
mod m20261125_000007_create_identity_providers;
mod m20261202_000008_add_identity_provider_rules_author;
mod m20261202_000009_add_virtual_account_description;
mod m20261202_000010_add_team_creator;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_foundation::Migration),
            Box::new(m20261123_000002_create_password_tokens::Migration),
            Box::new(m20261124_000003_create_mail_outbox::Migration),
            Box::new(m20261124_000004_create_teams::Migration),
            Box::new(m20261124_000005_create_resources::Migration),
            Box::new(m20261124_000006_create_tokens::Migration),
            Box::new(m20261125_000007_create_identity_providers::Migration),
            Box::new(m20261202_000008_add_identity_provider_rules_author::Migration),
            Box::new(m20261202_000009_add_virtual_account_description::Migration),
            Box::new(m20261202_000010_add_team_creator::Migration),
        ]
    }
}
