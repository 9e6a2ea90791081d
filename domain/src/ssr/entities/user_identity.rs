use sea_orm::entity::prelude::*;

/// A user's identity at an identity provider: (issuer, subject) names one user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_identities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub user_id: i64,
    pub provider_id: i64,
    pub issuer: String,
    pub subject: String,
    pub created_at: DateTimeUtc,
    pub last_sign_in_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
