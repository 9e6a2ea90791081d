use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Lowercased; unique within the tenant.
    pub email: String,
    pub display_name: String,
    /// Argon2id PHC string; `None` for users who sign in only through SSO.
    pub password_hash: Option<String>,
    /// `active` or `deactivated` (see `dto::UserStatus`).
    pub status: String,
    pub role_id: i64,
    /// `manual`, `group` or `initial` (see `dto::RoleManagedBy`).
    pub role_managed_by: String,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::role::Entity",
        from = "Column::RoleId",
        to = "super::role::Column::Id"
    )]
    Role,
}

impl Related<super::role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Role.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
