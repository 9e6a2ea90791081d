use sea_orm::entity::prelude::*;

/// An OIDC identity provider of a tenant. The client secret is stored sealed (purpose
/// `identity-provider-client-secret`); scopes are space-separated and allowed email domains
/// comma-separated.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "identity_providers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub slug: String,
    pub preset: String,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    #[sea_orm(column_type = "Text")]
    pub sealed_client_secret: String,
    pub scopes: String,
    pub groups_claim: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub allowed_domains: String,
    pub provisioning: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The user who last saved the mapping rules: the giver the granting rule is checked
    /// against when a rule is applied at sign-in. `None`: nobody (rules hand out nothing).
    pub rules_author_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
