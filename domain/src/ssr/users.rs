//! User rows shared by the services: queries and the one way a user row is created.

use crate::dto::{RoleManagedBy, UserStatus};
use crate::permissions::BuiltinRole;
use crate::ssr::entities::{role, user};
use crate::ssr::error::{DomainError, DomainResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

pub(crate) async fn tenant_has_users(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> DomainResult<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant_id))
        .count(db)
        .await?
        > 0)
}

pub(crate) async fn builtin_role(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    which: BuiltinRole,
) -> DomainResult<role::Model> {
    role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant_id))
        .filter(role::Column::Name.eq(which.name()))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::Internal(format!("built-in role {} is missing", which.name())))
}

/// Inserts an active user without a password (invited, or arriving through single sign-on),
/// holding `role_id` as `managed_by` says.
pub(crate) async fn insert_passwordless_user(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    email: String,
    display_name: String,
    role_id: i64,
    managed_by: RoleManagedBy,
) -> DomainResult<user::Model> {
    let now = Utc::now();
    Ok(user::ActiveModel {
        tenant_id: Set(tenant_id),
        email: Set(email),
        display_name: Set(display_name),
        password_hash: Set(None),
        status: Set(UserStatus::Active.as_str().into()),
        role_id: Set(role_id),
        role_managed_by: Set(managed_by.as_str().into()),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Inserts an active Admin with a password; the role is `initial`ly managed. The caller has
/// validated the fields and checked the email is free; `last_login_at` is set when the new
/// admin is signed in at once.
pub(crate) async fn insert_admin(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    email: String,
    display_name: String,
    password_hash: String,
    last_login_at: Option<DateTime<Utc>>,
) -> DomainResult<user::Model> {
    let admin_role = builtin_role(db, tenant_id, BuiltinRole::Admin).await?;
    let now = Utc::now();
    let created = user::ActiveModel {
        tenant_id: Set(tenant_id),
        email: Set(email),
        display_name: Set(display_name),
        password_hash: Set(Some(password_hash)),
        status: Set(UserStatus::Active.as_str().into()),
        role_id: Set(admin_role.id),
        role_managed_by: Set(RoleManagedBy::Initial.as_str().into()),
        last_login_at: Set(last_login_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created)
}
