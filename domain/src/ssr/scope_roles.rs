//! Access > Roles: tenant roles, built-in and custom.

use crate::dto::{AssignableRole, NewRole, RoleChanges, RoleSummary};
use crate::ids::RoleId;
use crate::permissions::Permission;
use crate::resources::ResourceType;
use crate::ssr::actor::UserActor;
use crate::ssr::authorize::{Operation, authorize};
use crate::ssr::entities::{
    collaborator, identity_provider_role_mapping, role, role_permission, team, user,
};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::grant_rule::Lack;
use crate::ssr::scope::Scope;
use crate::ssr::services::{is_admin_role, role_permissions};
use crate::validation::{check_role_name, normalize_description, normalize_display_name};
use chrono::Utc;
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::BTreeSet;

impl Scope<'_> {
    /// The tenant's roles: tenant roles (built-in first, then custom, by name), then resource
    /// roles by resource type (built-in first, strongest first, then custom by name).
    pub async fn list_roles(&self) -> DomainResult<Vec<RoleSummary>> {
        let me = authorize(self.actor, Operation::ListRoles)?;
        let db = self.services.db();
        let mut roles = role::Entity::find()
            .filter(role::Column::TenantId.eq(me.tenant_id.0))
            .order_by_asc(role::Column::Id)
            .all(db)
            .await?;
        roles.sort_by_key(|r| {
            let kind = r.resource_type.as_deref().and_then(ResourceType::from_key);
            // Built-in resource roles keep their creation order: strongest first.
            let name = if r.builtin && kind.is_some() {
                String::new()
            } else {
                r.name.clone()
            };
            (kind.is_some(), kind, !r.builtin, name)
        });
        let mut summaries = Vec::with_capacity(roles.len());
        for role in roles {
            summaries.push(summarize(db, role).await?);
        }
        Ok(summaries)
    }

    /// The tenant roles for the pickers of someone who invites users or changes their roles,
    /// each marked with why it cannot be handed out by this actor, if it cannot: roles with
    /// permissions the actor lacks (no escalation), and Admin for non-Admins.
    pub async fn assignable_roles(&self) -> DomainResult<Vec<AssignableRole>> {
        let me = authorize(self.actor, Operation::ListAssignableRoles)?;
        let db = self.services.db();
        let roles = tenant_roles(db, me).await?;
        let mut choices = Vec::with_capacity(roles.len());
        for role in roles {
            let unavailable = role_grant_refusal(me, &role, &role_permissions(db, &role).await?);
            choices.push(AssignableRole {
                id: RoleId(role.id),
                name: role.name,
                display_name: role.display_name,
                description: role.description,
                unavailable,
            });
        }
        Ok(choices)
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
        check_scope(input.resource_type, &permissions)?;
        refuse_escalation(me, &permissions)?;

        let txn = self.services.begin_write().await?;
        // Unique without regard to case: `Deployer` and `deployer` would read as one role.
        let taken = role::Entity::find()
            .filter(role::Column::TenantId.eq(me.tenant_id.0))
            .filter(
                Expr::expr(Func::lower(Expr::col((role::Entity, role::Column::Name))))
                    .binary(BinOper::Equal, name.to_lowercase()),
            )
            .one(&txn)
            .await?;
        if let Some(taken) = taken {
            return Err(DomainError::validation(
                "name",
                format!("A role named {} already exists.", taken.name),
            ));
        }
        let now = Utc::now();
        let created = role::ActiveModel {
            tenant_id: Set(me.tenant_id.0),
            name: Set(name),
            display_name: Set(display_name),
            description: Set(description),
            builtin: Set(false),
            resource_type: Set(input.resource_type.map(|t| t.key().to_string())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        replace_permissions(&txn, created.id, &permissions).await?;
        let summary = summarize(&txn, created).await?;
        self.finish(txn).await?;
        tracing::info!(role = %summary.name, by = me.user_id.0, "role created");
        Ok(summary)
    }

    /// Edits a role. Admin's role is fixed; only an Admin may add permissions they lack.
    /// Takes effect on the holders' next request.
    pub async fn update_role(&self, id: RoleId, changes: RoleChanges) -> DomainResult<RoleSummary> {
        let me = authorize(self.actor, Operation::UpdateRole)?;
        let db = self.services.db();
        let existing = find_any_role(db, me, id).await?;
        if is_admin_role(&existing) {
            return Err(DomainError::Conflict(
                "The Admin role always holds every permission and cannot be edited.".into(),
            ));
        }
        let scope = existing
            .resource_type
            .as_deref()
            .and_then(ResourceType::from_key);
        if existing.builtin && scope.is_some() {
            return Err(DomainError::Conflict(
                "Built-in resource roles are fixed. Create a custom role for another set of permissions."
                    .into(),
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
        check_scope(scope, &permissions)?;
        refuse_escalation(me, &permissions)?;

        let txn = self.services.begin_write().await?;
        let mut active: role::ActiveModel = existing.into();
        active.display_name = Set(display_name);
        active.description = Set(description);
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        replace_permissions(&txn, updated.id, &permissions).await?;
        let summary = summarize(&txn, updated).await?;
        self.finish(txn).await?;
        tracing::info!(role = %summary.name, by = me.user_id.0, "role updated");
        Ok(summary)
    }

    /// Deletes a custom role that no user holds.
    pub async fn delete_role(&self, id: RoleId) -> DomainResult<()> {
        let me = authorize(self.actor, Operation::DeleteRole)?;
        let txn = self.services.begin_write().await?;
        let existing = find_any_role(&txn, me, id).await?;
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
        let holding_teams = team::Entity::find()
            .filter(team::Column::RoleId.eq(existing.id))
            .order_by_asc(team::Column::Name)
            .all(&txn)
            .await?;
        let grants = collaborator::Entity::find()
            .filter(collaborator::Column::RoleId.eq(existing.id))
            .count(&txn)
            .await?;
        let sso_rules = identity_provider_role_mapping::Entity::find()
            .filter(identity_provider_role_mapping::Column::RoleId.eq(existing.id))
            .count(&txn)
            .await?;
        if !holders.is_empty() || !holding_teams.is_empty() || grants > 0 || sso_rules > 0 {
            let mut held_by = Vec::new();
            if !holders.is_empty() {
                let emails: Vec<_> = holders.iter().map(|u| u.email.as_str()).collect();
                held_by.push(format!("{} user(s): {}", holders.len(), emails.join(", ")));
            }
            if !holding_teams.is_empty() {
                let names: Vec<_> = holding_teams.iter().map(|t| t.name.as_str()).collect();
                held_by.push(format!(
                    "{} team(s): {}",
                    holding_teams.len(),
                    names.join(", ")
                ));
            }
            if grants > 0 {
                held_by.push(format!("{grants} collaborator grant(s)"));
            }
            if sso_rules > 0 {
                held_by.push(format!(
                    "{sso_rules} identity provider role mapping rule(s)"
                ));
            }
            return Err(DomainError::Conflict(format!(
                "The role {} is held by {}. Assign them another role first.",
                existing.name,
                held_by.join(" and ")
            )));
        }
        let name = existing.name.clone();
        role::Entity::delete_by_id(existing.id).exec(&txn).await?;
        self.finish(txn).await?;
        tracing::info!(role = %name, by = me.user_id.0, "role deleted");
        Ok(())
    }
}

/// The tenant roles of the actor's tenant: built-in first, then custom, by name.
async fn tenant_roles(db: &impl ConnectionTrait, me: &UserActor) -> DomainResult<Vec<role::Model>> {
    Ok(role::Entity::find()
        .filter(role::Column::TenantId.eq(me.tenant_id.0))
        .filter(role::Column::ResourceType.is_null())
        .order_by_desc(role::Column::Builtin)
        .order_by_asc(role::Column::Name)
        .all(db)
        .await?)
}

/// Any role of the actor's tenant, tenant or resource role; another tenant's id reads as not
/// found.
async fn find_any_role(
    db: &impl ConnectionTrait,
    me: &UserActor,
    id: RoleId,
) -> DomainResult<role::Model> {
    role::Entity::find_by_id(id.0)
        .filter(role::Column::TenantId.eq(me.tenant_id.0))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("Role".into()))
}

/// A resource role holds its type's permissions only, naming any that do not belong.
fn check_scope(
    scope: Option<ResourceType>,
    permissions: &BTreeSet<Permission>,
) -> DomainResult<()> {
    let Some(kind) = scope else {
        return Ok(());
    };
    let allowed = kind.grantable_permissions();
    let foreign: Vec<&str> = permissions
        .iter()
        .filter(|p| !allowed.contains(p))
        .map(|p| p.key())
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    Err(DomainError::validation(
        "permissions",
        format!(
            "A {} role holds {} permissions only; these are not: {}.",
            kind.label(),
            kind.label(),
            foreign.join(", ")
        ),
    ))
}

/// A tenant role of the actor's tenant; another tenant's id, or a resource role, reads as not
/// found.
pub(crate) async fn find_role(
    db: &impl ConnectionTrait,
    me: &UserActor,
    id: RoleId,
) -> DomainResult<role::Model> {
    let found = find_any_role(db, me, id).await?;
    if found.resource_type.is_some() {
        return Err(DomainError::NotFound("Role".into()));
    }
    Ok(found)
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

/// Why `me` may not give `role` (holding `permissions`) to a user, if they may not: only an
/// Admin makes Admins, and only an Admin hands out permissions they do not hold themselves.
/// The pickers and the services ask this same function.
pub(crate) fn role_grant_refusal(
    me: &UserActor,
    role: &role::Model,
    permissions: &BTreeSet<Permission>,
) -> Option<String> {
    // The tenant half of the one granting rule (`grant_rule::lacking`), kept synchronous for
    // the pickers; it answers in the same words.
    Lack {
        admin: is_admin_role(role) && !me.is_admin,
        tenant: me.lacking(permissions),
        on_resources: Vec::new(),
    }
    .refusal()
}

/// Refuses giving `role` to a user when `role_grant_refusal` says no.
pub(crate) async fn refuse_role_grant(
    db: &impl ConnectionTrait,
    me: &UserActor,
    role: &role::Model,
) -> DomainResult<()> {
    match role_grant_refusal(me, role, &role_permissions(db, role).await?) {
        Some(reason) => Err(DomainError::Forbidden(reason)),
        None => Ok(()),
    }
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
    let grant_count = collaborator::Entity::find()
        .filter(collaborator::Column::RoleId.eq(role.id))
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
        resource_type: role
            .resource_type
            .as_deref()
            .and_then(ResourceType::from_key),
        grant_count,
    })
}
