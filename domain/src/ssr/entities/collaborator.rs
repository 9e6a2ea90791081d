use sea_orm::entity::prelude::*;

/// A grant of a resource role on one resource to a subject: `subject_kind` is `user`, `team`
/// or `virtualaccount`, and `subject_id` the id of that user, team or virtual account.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collaborators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub resource_id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub role_id: i64,
    pub granted_by: Option<i64>,
    pub granted_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
