use sea_orm::entity::prelude::*;

/// A tenant's security settings; no row means no limits and password sign-in on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub pat_max_age_days: Option<i32>,
    pub pat_max_active: Option<i32>,
    pub password_sign_in: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
