use sea_orm::entity::prelude::*;

/// A team of a tenant. `name` is its slug (unique in the tenant); `role_id` an optional tenant
/// role every member inherits; `managed_by` is `manual` (SCIM-provisioned teams come later).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub role_id: Option<i64>,
    pub managed_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The user who created it; `None` before creators were recorded. A deleted user's id
    /// names nobody.
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
