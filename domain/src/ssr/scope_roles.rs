//! Access > Roles: tenant roles, built-in and custom.

use crate::dto::{NewRole, RoleChanges, RoleSummary};
use crate::ids::RoleId;
use crate::permissions::Permission;
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{role, role_permission, user};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope::Scope;
use crate::ssr::services::{is_admin_role, role_permissions};
use crate::validation::{check_role_name, normalize_description, normalize_display_name};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use std::collections::BTreeSet;

impl Scope<'_> {
    /// The tenant's roles: built-in first, then custom, by name.
    pub async fn list_roles(&self) -> DomainResult<Vec<RoleSummary>> {
        let me = authorize(self.actor, Operation::ListRoles)?;
        let db = self.services.db();
        let roles = role::Entity::find()
            .filter(role::Column::TenantId.eq(me.tenant_id.0))
            .filter(role::Column::ResourceType.is_null())
            .order_by_desc(role::Column::Builtin)
            .order_by_asc(role::Column::Name)
            .all(db)
            .await?;
        let mut summaries = Vec::with_capacity(roles.len());
        for role in roles {
            summaries.push(summarize(db, role).await?);
        }
        Ok(summaries)
    }

    /// Creates a custom tenant role. Only an Admin may put in permissions they do not hold.
    pub async fn create_role(&self, input: NewRole) -> DomainResult<RoleSummary> {
        let me = authorize(self.actor, Operation::CreateRole)?;
        let name = check_role_name("name", &input.name)?;
        let display_name = normalize_display_name("display_name", &input.display_name)?;
        let description = normalize_description("description", &input.description)?;
        let permissions = parse_permissions(&input.permissions)?;
        if permissions.is_empty() {
            return Err(DomainError::validation(
                "permissions",
                "Pick at least one permission.",
            ));
        }
        refuse_escalation(me, &permissions)?;

        let txn = self.services.db().begin().await?;
        let taken = role::Entity::find()
            .filter(role::Column::TenantId.eq(me.tenant_id.0))
            .filter(role::Column::Name.eq(name.as_str()))
            .count(&txn)
            .await?
            > 0;
        if taken {
            return Err(DomainError::validation(
                "name",
                format!("A role named {name} already exists."),
            ));
        }
        let now = Utc::now();
        let created = role::ActiveModel {
            tenant_id: Set(me.tenant_id.0),
            name: Set(name),
            display_name: Set(display_name),
            description: Set(description),
            builtin: Set(false),
            resource_type: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        replace_permissions(&txn, created.id, &permissions).await?;
        let summary = summarize(&txn, created).await?;
        txn.commit().await?;
        tracing::info!(role = %summary.name, by = me.user_id.0, "role created");
        Ok(summary)
    }

    /// Edits a role. Admin's role is fixed; only an Admin may add permissions they lack.
    /// Takes effect on the holders' next request.
    pub async fn update_role(&self, id: RoleId, changes: RoleChanges) -> DomainResult<RoleSummary> {
        let me = authorize(self.actor, Operation::UpdateRole)?;
        let db = self.services.db();
        let existing = find_role(db, me, id).await?;
        if is_admin_role(&existing) {
            return Err(DomainError::Conflict(
                "The Admin role always holds every permission and cannot be edited.".into(),
            ));
        }
        let display_name = normalize_display_name("display_name", &changes.display_name)?;
        let description = normalize_description("description", &changes.description)?;
        let permissions = parse_permissions(&changes.permissions)?;
        if permissions.is_empty() && !existing.builtin {
            return Err(DomainError::validation(
                "permissions",
                "Pick at least one permission.",
            ));
        }
        refuse_escalation(me, &permissions)?;

        let txn = db.begin().await?;
        let mut active: role::ActiveModel = existing.into();
        active.display_name = Set(display_name);
        active.description = Set(description);
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        replace_permissions(&txn, updated.id, &permissions).await?;
        let summary = summarize(&txn, updated).await?;
        txn.commit().await?;
        tracing::info!(role = %summary.name, by = me.user_id.0, "role updated");
        Ok(summary)
    }

    /// Deletes a custom role that no user holds.
    pub async fn delete_role(&self, id: RoleId) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::DeleteRole)?;
        let txn = self.services.db().begin().await?;
        let existing = find_role(&txn, me, id).await?;
        if existing.builtin {
            return Err(DomainError::Conflict(
                "Built-in roles cannot be deleted. Only custom roles can be removed.".into(),
            ));
        }
        let holders = user::Entity::find()
            .filter(user::Column::RoleId.eq(existing.id))
            .order_by_asc(user::Column::Email)
            .all(&txn)
            .await?;
        if !holders.is_empty() {
            let emails: Vec<_> = holders.iter().map(|u| u.email.as_str()).collect();
            return Err(DomainError::Conflict(format!(
                "The role {} is held by {} user(s): {}. Assign them another role first.",
                existing.name,
                holders.len(),
                emails.join(", ")
            )));
        }
        let name = existing.name.clone();
        role::Entity::delete_by_id(existing.id).exec(&txn).await?;
        txn.commit().await?;
        tracing::info!(role = %name, by = me.user_id.0, "role deleted");
        Ok(())
    }
}

/// A tenant role of the actor's tenant; another tenant's id reads as not found.
pub(crate) async fn find_role(
    db: &impl ConnectionTrait,
    me: &UserActor,
    id: RoleId,
) -> DomainResult<role::Model> {
    role::Entity::find_by_id(id.0)
        .filter(role::Column::TenantId.eq(me.tenant_id.0))
        .filter(role::Column::ResourceType.is_null())
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("Role".into()))
}

/// Parses permission keys, naming every unknown one.
fn parse_permissions(keys: &[String]) -> DomainResult<BTreeSet<Permission>> {
    let unknown: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| Permission::from_key(k).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(DomainError::validation(
            "permissions",
            format!("Unknown permission key(s): {}.", unknown.join(", ")),
        ));
    }
    Ok(keys
        .iter()
        .filter_map(|k| Permission::from_key(k))
        .collect())
}

/// No escalation: only an Admin may hand out permissions they do not hold themselves.
pub(crate) fn refuse_escalation(
    me: &UserActor,
    permissions: &BTreeSet<Permission>,
) -> DomainResult<()> {
    let lacking = me.lacking(permissions);
    if lacking.is_empty() {
        return Ok(());
    }
    let keys: Vec<&str> = lacking.iter().map(|p| p.key()).collect();
    Err(DomainError::Forbidden(format!(
        "Only an Admin can grant permissions they do not hold. You lack: {}.",
        keys.join(", ")
    )))
}

async fn replace_permissions(
    db: &impl ConnectionTrait,
    role_id: i64,
    permissions: &BTreeSet<Permission>,
) -> DomainResult<()> {
    role_permission::Entity::delete_many()
        .filter(role_permission::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    if !permissions.is_empty() {
        let rows = permissions.iter().map(|p| role_permission::ActiveModel {
            role_id: Set(role_id),
            permission: Set(p.key().to_string()),
        });
        role_permission::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

async fn summarize(db: &impl ConnectionTrait, role: role::Model) -> DomainResult<RoleSummary> {
    let permissions = role_permissions(db, &role).await?;
    let user_count = user::Entity::find()
        .filter(user::Column::RoleId.eq(role.id))
        .count(db)
        .await?;
    Ok(RoleSummary {
        id: RoleId(role.id),
        all_permissions: is_admin_role(&role),
        name: role.name,
        display_name: role.display_name,
        description: role.description,
        builtin: role.builtin,
        permissions: permissions.iter().map(|p| p.key().to_string()).collect(),
        user_count,
    })
}
