use sea_orm::entity::prelude::*;

/// A user's membership of a team, as `member` or `manager`. `source` is `manual` (added by
/// hand) or `sso` (added by an identity provider's team mapping, which may also remove it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub team_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    pub role: String,
    pub added_at: DateTimeUtc,
    pub source: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
