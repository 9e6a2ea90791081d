use sea_orm::entity::prelude::*;

/// A virtual account: an API caller that is not a person, owned by a team. It acts only
/// through the collaborator grants made to `virtualaccount:<name>`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "virtual_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub owner_team_id: i64,
    pub expires_at: Option<DateTimeUtc>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    /// Free text, at most 500 characters; empty when none was given.
    pub description: String,
    /// When the account was last edited; `None` until then.
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
