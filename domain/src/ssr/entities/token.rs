use sea_orm::entity::prelude::*;

/// An API token: a user's personal access token (`kind` = `pat`, `user_id` set) or a virtual
/// account's token (`va`, `virtual_account_id` set). Only `token_hash`, a keyed hash of the
/// value, finds it; a virtual account's value is also kept sealed so its managers can copy it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub kind: String,
    pub user_id: Option<i64>,
    pub virtual_account_id: Option<i64>,
    pub name: String,
    pub token_hash: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub sealed_token: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner of a personal access token.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
