//! Resources and their collaborators, and "why does this subject have access?".

use crate::dto::{
    AccessAnswer, AccessQuestion, CollaboratorQuery, CollaboratorRow, NewCollaborator, NewResource,
    Page, ResourceDetail, ResourceRef, ResourceSummary, RoleRef, SubjectLink, TeamRef, UserGrant,
};
use crate::ids::{CollaboratorId, ResourceId, RoleId, TeamId, UserId, VirtualAccountId};
use crate::permissions::Permission;
use crate::resources::{ResourceType, Subject};
use crate::ssr::access::{
    GrantsOn, Principal, SUBJECT_TEAM, SUBJECT_USER, SUBJECT_VIRTUAL_ACCOUNT, SubjectAccess,
};
use crate::ssr::authorize::{Acting, Operation, Standing, acting, authorize_acting};
use crate::ssr::entities::{collaborator, resource, role, team, user, virtual_account};
use crate::ssr::error::{DomainError, DomainResult};
use crate::ssr::scope::{Scope, page_window};
use crate::ssr::services::{role_permissions, roles_by_id};
use crate::validation::check_team_name;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SubQueryStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use std::collections::BTreeMap;

/// Seed 004's words.
const RESOURCE_NOT_FOUND: &str = "Resource";
const DUPLICATE_GRANT: &str = "Collaborator with this subject and role already exists on the resource. Use a different role or remove the existing collaborator first.";

impl Scope<'_> {
    /// The resources the actor may see (the type's read permission, tenant-wide or through a
    /// grant on the resource or its cluster), optionally of one type, by type and name.
    pub async fn list_resources(
        &self,
        resource_type: Option<ResourceType>,
    ) -> DomainResult<Vec<ResourceSummary>> {
        let me = authorize_acting(self.actor, Operation::ListResources, Standing::default())?;
        let db = self.services.db();
        // One read of the tenant's resources serves the list and the parents it needs.
        let all = resource::Entity::find()
            .filter(resource::Column::TenantId.eq(me.tenant_id().0))
            .order_by_asc(resource::Column::ResourceType)
            .order_by_asc(resource::Column::Name)
            .all(db)
            .await?;
        let by_id: BTreeMap<i64, resource::Model> = all.iter().map(|r| (r.id, r.clone())).collect();
        let access = SubjectAccess::of_acting(db, me, GrantsOn::Everywhere).await?;
        let visible = all
            .into_iter()
            .filter(|r| {
                let Some(kind) = ResourceType::from_key(&r.resource_type) else {
                    return false;
                };
                if resource_type.is_some_and(|wanted| wanted != kind) {
                    return false;
                }
                let parent = r.parent_id.and_then(|p| by_id.get(&p));
                access.explain(kind.read_permission(), r, parent).allowed
            })
            .collect();
        summaries(db, visible, &by_id).await
    }

    /// A resource's page: details, the first page of its collaborators, the roles it can be
    /// granted with.
    pub async fn get_resource(&self, id: ResourceId) -> DomainResult<ResourceDetail> {
        self.get_resource_with(id, CollaboratorQuery::default())
            .await
    }

    /// A resource's page with the page of its collaborators `collaborators` asks for.
    pub async fn get_resource_with(
        &self,
        id: ResourceId,
        collaborators: CollaboratorQuery,
    ) -> DomainResult<ResourceDetail> {
        let window = collaborator_window(&collaborators)?;
        let db = self.services.db();
        let on = self.on_resource(db, id, Operation::ViewResource).await?;
        let can_manage = on.allows(on.kind.manage_permission());
        let can_delete = on.allows(on.kind.delete_permission());
        detail(db, &on, can_manage, can_delete, window).await
    }

    /// A page of a resource's collaborators, oldest grant first (the API's
    /// `GET /collaborators`): the resource page's check, then one read for the page and its
    /// total.
    /// A resource of another type than `resource_type` is not found.
    pub async fn list_collaborators(
        &self,
        resource_type: ResourceType,
        id: ResourceId,
        query: CollaboratorQuery,
    ) -> DomainResult<Page<CollaboratorRow>> {
        let window = collaborator_window(&query)?;
        let db = self.services.db();
        let on = self
            .on_resource_of_type(db, Some(resource_type), id, Operation::ListCollaborators)
            .await?;
        collaborator_page(db, on.target.id, window).await
    }

    /// Records a new resource. Needs the type's create permission tenant-wide; a workspace may
    /// also be created by whoever holds workspace:CreateWorkspace on its cluster. The creator
    /// becomes the resource's strongest built-in role collaborator (Admin or Manager).
    pub async fn create_resource(&self, input: NewResource) -> DomainResult<ResourceDetail> {
        let me = acting(self.actor)?;
        let name = check_team_name("name", &input.name)?;
        let kind = input.resource_type;
        let txn = self.services.begin_write().await?;
        let parent = match (kind.parent(), input.parent_id) {
            (Some(parent_kind), Some(parent_id)) => {
                let found = find_resource(&txn, me, parent_id).await?;
                if found.resource_type != parent_kind.key() {
                    return Err(DomainError::validation(
                        "parent_id",
                        format!("A {} lives in a {}.", kind.label(), parent_kind.label()),
                    ));
                }
                Some(found)
            }
            (Some(parent_kind), None) => {
                return Err(DomainError::validation(
                    "parent_id",
                    format!(
                        "Pick the {} this {} lives in.",
                        parent_kind.label(),
                        kind.label()
                    ),
                ));
            }
            (None, Some(_)) => {
                return Err(DomainError::validation(
                    "parent_id",
                    format!("A {} does not live inside another resource.", kind.label()),
                ));
            }
            (None, None) => None,
        };
        let parent_ids: Vec<i64> = parent.iter().map(|p| p.id).collect();
        let access = SubjectAccess::of_acting(&txn, me, GrantsOn::Resources(&parent_ids)).await?;
        let create = kind.create_permission();
        let allowed = access.holds_tenant_wide(create)
            || parent
                .as_ref()
                .is_some_and(|p| access.explain(create, p, None).allowed);
        let me = authorize_acting(
            self.actor,
            Operation::CreateResource,
            Standing {
                holds_on_resource: allowed,
                ..Standing::default()
            },
        )
        .map_err(|_| {
            DomainError::Forbidden(format!(
                "You need the {create} permission to create a {}.",
                kind.label()
            ))
        })?;
        let taken = resource::Entity::find()
            .filter(resource::Column::TenantId.eq(me.tenant_id().0))
            .filter(resource::Column::ResourceType.eq(kind.key()))
            .filter(resource::Column::Name.eq(name.as_str()))
            .count(&txn)
            .await?
            > 0;
        if taken {
            return Err(DomainError::validation(
                "name",
                format!("A {} named {name} already exists.", kind.label()),
            ));
        }
        let now = Utc::now();
        let created = resource::ActiveModel {
            tenant_id: Set(me.tenant_id().0),
            resource_type: Set(kind.key().into()),
            name: Set(name),
            parent_id: Set(parent.as_ref().map(|p| p.id)),
            created_by: Set(me.user_id()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let owner_role =
            builtin_resource_role(&txn, me.tenant_id().0, kind.owner_role().name).await?;
        let (creator_kind, creator_id) = principal_of(me);
        collaborator::ActiveModel {
            tenant_id: Set(me.tenant_id().0),
            resource_id: Set(created.id),
            subject_kind: Set(creator_kind.into()),
            subject_id: Set(creator_id),
            role_id: Set(owner_role.id),
            granted_by: Set(me.user_id()),
            granted_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let on = OnResource {
            me,
            kind,
            // Loaded above; `detail` does not consult it, and the creator may manage and delete.
            access,
            target: created,
            parent,
        };
        let result = detail(&txn, &on, true, true, FIRST_COLLABORATORS).await?;
        self.finish(txn).await?;
        tracing::info!(
            resource = result.resource.id.0,
            kind = kind.key(),
            by = %me,
            "resource created"
        );
        Ok(result)
    }

    /// Deletes a resource and its grants. A cluster that still has workspaces stays.
    pub async fn delete_resource(&self, id: ResourceId) -> DomainResult<()> {
        let txn = self.services.begin_write().await?;
        let on = self
            .on_resource(&txn, id, Operation::DeleteResource)
            .await?;
        let children: Vec<String> = resource::Entity::find()
            .filter(resource::Column::ParentId.eq(on.target.id))
            .order_by_asc(resource::Column::Name)
            .all(&txn)
            .await?
            .into_iter()
            .map(|r| r.name)
            .collect();
        if !children.is_empty() {
            return Err(DomainError::Conflict(format!(
                "The cluster {} still has {} workspace(s): {}. Delete them first.",
                on.target.name,
                children.len(),
                children.join(", ")
            )));
        }
        collaborator::Entity::delete_many()
            .filter(collaborator::Column::ResourceId.eq(on.target.id))
            .exec(&txn)
            .await?;
        resource::Entity::delete_by_id(on.target.id)
            .exec(&txn)
            .await?;
        self.finish(txn).await?;
        tracing::info!(resource = id.0, by = %on.me, "resource deleted");
        Ok(())
    }

    /// Grants a role on a resource to a user or team. Needs the type's manage permission on
    /// the resource, and (unless Admin) every permission of the role on it.
    pub async fn add_collaborator(&self, input: NewCollaborator) -> DomainResult<ResourceDetail> {
        let subject = Subject::parse("subject", &input.subject)?;
        let txn = self.services.begin_write().await?;
        let on = self
            .on_resource(&txn, input.resource_id, Operation::ManageCollaborators)
            .await?;
        let granted = self.grantable_role(&txn, &on, input.role_id).await?;
        let (kind, subject_id) = find_subject(&txn, on.me, &subject).await?;
        if grant_exists(&txn, on.target.id, kind, subject_id, granted.id).await? {
            return Err(DomainError::Conflict(DUPLICATE_GRANT.into()));
        }
        collaborator::ActiveModel {
            tenant_id: Set(on.me.tenant_id().0),
            resource_id: Set(on.target.id),
            subject_kind: Set(kind.into()),
            subject_id: Set(subject_id),
            role_id: Set(granted.id),
            granted_by: Set(on.me.user_id()),
            granted_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let result = detail(
            &txn,
            &on,
            true,
            on.allows(on.kind.delete_permission()),
            FIRST_COLLABORATORS,
        )
        .await?;
        self.finish(txn).await?;
        tracing::info!(resource = on.target.id, subject = %subject, role = %granted.name, by = %on.me, "collaborator added");
        Ok(result)
    }

    /// Changes the role of one grant, under the same rules as adding it.
    pub async fn change_collaborator_role(
        &self,
        resource_id: ResourceId,
        grant: CollaboratorId,
        role_id: RoleId,
    ) -> DomainResult<ResourceDetail> {
        let txn = self.services.begin_write().await?;
        let on = self
            .on_resource(&txn, resource_id, Operation::ManageCollaborators)
            .await?;
        let row = find_grant(&txn, &on, grant).await?;
        let granted = self.grantable_role(&txn, &on, role_id).await?;
        if row.role_id != granted.id {
            let clash = grant_exists(
                &txn,
                on.target.id,
                &row.subject_kind,
                row.subject_id,
                granted.id,
            )
            .await?;
            if clash {
                return Err(DomainError::Conflict(DUPLICATE_GRANT.into()));
            }
            let mut active: collaborator::ActiveModel = row.into();
            active.role_id = Set(granted.id);
            active.granted_by = Set(on.me.user_id());
            active.granted_at = Set(Utc::now());
            active.update(&txn).await?;
        }
        let result = detail(
            &txn,
            &on,
            true,
            on.allows(on.kind.delete_permission()),
            FIRST_COLLABORATORS,
        )
        .await?;
        self.finish(txn).await?;
        tracing::info!(resource = resource_id.0, grant = grant.0, role = %granted.name, by = %on.me, "collaborator role changed");
        Ok(result)
    }

    /// Removes one grant.
    pub async fn remove_collaborator(
        &self,
        resource_id: ResourceId,
        grant: CollaboratorId,
    ) -> DomainResult<ResourceDetail> {
        let txn = self.services.begin_write().await?;
        let on = self
            .on_resource(&txn, resource_id, Operation::ManageCollaborators)
            .await?;
        let row = find_grant(&txn, &on, grant).await?;
        collaborator::Entity::delete_by_id(row.id)
            .exec(&txn)
            .await?;
        // Removing one's own grant can take away the right to see the page.
        let on = OnResource {
            access: SubjectAccess::of_acting(&txn, on.me, GrantsOn::Resources(&on.ids())).await?,
            ..on
        };
        let can_manage = on.allows(on.kind.manage_permission());
        let can_delete = on.allows(on.kind.delete_permission());
        let result = detail(&txn, &on, can_manage, can_delete, FIRST_COLLABORATORS).await?;
        self.finish(txn).await?;
        tracing::info!(
            resource = resource_id.0,
            grant = grant.0,
            by = %on.me,
            "collaborator removed"
        );
        Ok(result)
    }

    /// Removes every role `subject` holds on a resource (seed 004's `DELETE /collaborators`).
    pub async fn remove_subject_grants(
        &self,
        resource_id: ResourceId,
        subject: &str,
    ) -> DomainResult<ResourceDetail> {
        let subject = Subject::parse("subject", subject)?;
        let txn = self.services.begin_write().await?;
        let on = self
            .on_resource(&txn, resource_id, Operation::ManageCollaborators)
            .await?;
        let (kind, subject_id) = find_subject(&txn, on.me, &subject).await?;
        let removed = collaborator::Entity::delete_many()
            .filter(collaborator::Column::ResourceId.eq(on.target.id))
            .filter(collaborator::Column::SubjectKind.eq(kind))
            .filter(collaborator::Column::SubjectId.eq(subject_id))
            .exec(&txn)
            .await?
            .rows_affected;
        if removed == 0 {
            return Err(DomainError::NotFound("Collaborator".into()));
        }
        let on = OnResource {
            access: SubjectAccess::of_acting(&txn, on.me, GrantsOn::Resources(&on.ids())).await?,
            ..on
        };
        let can_manage = on.allows(on.kind.manage_permission());
        let can_delete = on.allows(on.kind.delete_permission());
        let result = detail(&txn, &on, can_manage, can_delete, FIRST_COLLABORATORS).await?;
        self.finish(txn).await?;
        tracing::info!(resource = resource_id.0, subject = %subject, removed, by = %on.me, "collaborator removed");
        Ok(result)
    }

    /// "Why does this subject have access?": allowed or denied, with every path that grants
    /// the permission. The same computation decides every resource operation.
    pub async fn check_access(&self, question: AccessQuestion) -> DomainResult<AccessAnswer> {
        let subject = Subject::parse("subject", &question.subject)?;
        let permission = Permission::from_key(question.permission.trim()).ok_or_else(|| {
            DomainError::validation(
                "permission",
                format!("Unknown permission: {}.", question.permission.trim()),
            )
        })?;
        let db = self.services.db();
        let on = self
            .on_resource(db, question.resource_id, Operation::CheckAccess)
            .await?;
        if !on.me.holds(Permission::ListUsers) {
            return Err(DomainError::Forbidden(format!(
                "You need the {} permission to check someone else's access.",
                Permission::ListUsers
            )));
        }
        let principal = match subject {
            Subject::User(email) => Principal::User(
                user::Entity::find()
                    .filter(user::Column::TenantId.eq(on.me.tenant_id().0))
                    .filter(user::Column::Email.eq(email))
                    .one(db)
                    .await?
                    .ok_or_else(|| DomainError::NotFound("User".into()))?,
            ),
            Subject::Team(name) => Principal::Team(
                team::Entity::find()
                    .filter(team::Column::TenantId.eq(on.me.tenant_id().0))
                    .filter(team::Column::Name.eq(name))
                    .one(db)
                    .await?
                    .ok_or_else(|| DomainError::NotFound("Team".into()))?,
            ),
            Subject::VirtualAccount(name) => Principal::VirtualAccount(
                virtual_account::Entity::find()
                    .filter(virtual_account::Column::TenantId.eq(on.me.tenant_id().0))
                    .filter(virtual_account::Column::Name.eq(name))
                    .one(db)
                    .await?
                    .ok_or_else(|| DomainError::NotFound("Virtual account".into()))?,
            ),
        };
        let access = SubjectAccess::load(db, &principal).await?;
        Ok(access.explain(permission, &on.target, on.parent.as_ref()))
    }

    /// The resource `id` of the actor's tenant, with the actor's access to it, after checking
    /// the permission `operation` needs on it (another tenant's resource is not found).
    async fn on_resource<'s>(
        &'s self,
        db: &impl ConnectionTrait,
        id: ResourceId,
        operation: Operation,
    ) -> DomainResult<OnResource<'s>> {
        self.on_resource_of_type(db, None, id, operation).await
    }

    /// `on_resource`, where a resource not of `expected_type` (when given) is not found.
    async fn on_resource_of_type<'s>(
        &'s self,
        db: &impl ConnectionTrait,
        expected_type: Option<ResourceType>,
        id: ResourceId,
        operation: Operation,
    ) -> DomainResult<OnResource<'s>> {
        let me = acting(self.actor)?;
        let (target, parent) = find_resource_and_parent(db, me, id).await?;
        let kind = ResourceType::from_key(&target.resource_type).ok_or_else(|| {
            DomainError::Internal(format!("unknown resource type {}", target.resource_type))
        })?;
        if expected_type.is_some_and(|expected| expected != kind) {
            return Err(DomainError::NotFound(RESOURCE_NOT_FOUND.into()));
        }
        let ids: Vec<i64> = std::iter::once(target.id)
            .chain(parent.as_ref().map(|p| p.id))
            .collect();
        let access = SubjectAccess::of_acting(db, me, GrantsOn::Resources(&ids)).await?;
        let needed = match operation {
            Operation::DeleteResource => kind.delete_permission(),
            Operation::ManageCollaborators => kind.manage_permission(),
            _ => kind.read_permission(),
        };
        let on = OnResource {
            me,
            kind,
            access,
            target,
            parent,
        };
        let standing = Standing {
            holds_on_resource: on.allows(needed),
            ..Standing::default()
        };
        let me = authorize_acting(self.actor, operation, standing).map_err(|e| match e {
            DomainError::Forbidden(_) => DomainError::Forbidden(format!(
                "You need the {needed} permission on the {} {} to {}.",
                kind.label(),
                on.target.name,
                operation.describe()
            )),
            other => other,
        })?;
        Ok(OnResource { me, ..on })
    }

    /// A role of the resource's type (built-in or custom) that the actor may grant here: an
    /// Admin any, anyone else only one whose every permission they hold on this resource.
    async fn grantable_role(
        &self,
        db: &impl ConnectionTrait,
        on: &OnResource<'_>,
        role_id: RoleId,
    ) -> DomainResult<role::Model> {
        let found = role::Entity::find_by_id(role_id.0)
            .filter(role::Column::TenantId.eq(on.me.tenant_id().0))
            .filter(role::Column::ResourceType.eq(on.kind.key()))
            .one(db)
            .await?
            .ok_or_else(|| DomainError::NotFound("Role".into()))?;
        if on.me.is_admin() {
            return Ok(found);
        }
        let lacking: Vec<&str> = role_permissions(db, &found)
            .await?
            .into_iter()
            .filter(|p| !on.allows(*p))
            .map(|p| p.key())
            .collect();
        if lacking.is_empty() {
            Ok(found)
        } else {
            Err(DomainError::Forbidden(format!(
                "Only an Admin can grant permissions they do not hold on this {}. You lack: {}.",
                on.kind.label(),
                lacking.join(", ")
            )))
        }
    }
}

/// A resource being acted on, with the actor's access to it.
struct OnResource<'a> {
    me: Acting<'a>,
    kind: ResourceType,
    access: SubjectAccess,
    target: resource::Model,
    parent: Option<resource::Model>,
}

impl OnResource<'_> {
    /// The resource and its parent, whose grants decide access to it.
    fn ids(&self) -> Vec<i64> {
        std::iter::once(self.target.id)
            .chain(self.parent.as_ref().map(|p| p.id))
            .collect()
    }

    fn allows(&self, permission: Permission) -> bool {
        self.access
            .explain(permission, &self.target, self.parent.as_ref())
            .allowed
    }
}

/// The collaborator subject the actor is (kind, id), for the grant a creator receives.
fn principal_of(me: Acting<'_>) -> (&'static str, i64) {
    match me {
        Acting::User(user) => (SUBJECT_USER, user.user_id.0),
        Acting::VirtualAccount(account) => (SUBJECT_VIRTUAL_ACCOUNT, account.id.0),
    }
}

/// A resource of the actor's tenant; another tenant's id reads as not found.
async fn find_resource(
    db: &impl ConnectionTrait,
    me: Acting<'_>,
    id: ResourceId,
) -> DomainResult<resource::Model> {
    resource::Entity::find_by_id(id.0)
        .filter(resource::Column::TenantId.eq(me.tenant_id().0))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound(RESOURCE_NOT_FOUND.into()))
}

/// A resource of the actor's tenant and its parent cluster, if it has one, in one read.
async fn find_resource_and_parent(
    db: &impl ConnectionTrait,
    me: Acting<'_>,
    id: ResourceId,
) -> DomainResult<(resource::Model, Option<resource::Model>)> {
    let parent_of_target = Query::select()
        .column(resource::Column::ParentId)
        .from(resource::Entity)
        .and_where(Expr::col(resource::Column::Id).eq(id.0))
        .to_owned();
    // `id IN (target, (its parent))`: both found through the primary key. (An `OR` with an
    // `IN (subquery)` made SQLite scan the tenant's resources instead.)
    let rows = resource::Entity::find()
        .filter(resource::Column::TenantId.eq(me.tenant_id().0))
        .filter(Expr::col((resource::Entity, resource::Column::Id)).is_in([
            Expr::val(id.0),
            Expr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(parent_of_target)),
            ),
        ]))
        .all(db)
        .await?;
    let (targets, others): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.id == id.0);
    let target = targets
        .into_iter()
        .next()
        .ok_or_else(|| DomainError::NotFound(RESOURCE_NOT_FOUND.into()))?;
    let parent = others.into_iter().find(|p| Some(p.id) == target.parent_id);
    Ok((target, parent))
}

/// Whether the subject already holds this role on the resource.
async fn grant_exists(
    db: &impl ConnectionTrait,
    resource_id: i64,
    subject_kind: &str,
    subject_id: i64,
    role_id: i64,
) -> DomainResult<bool> {
    Ok(collaborator::Entity::find()
        .filter(collaborator::Column::ResourceId.eq(resource_id))
        .filter(collaborator::Column::SubjectKind.eq(subject_kind))
        .filter(collaborator::Column::SubjectId.eq(subject_id))
        .filter(collaborator::Column::RoleId.eq(role_id))
        .count(db)
        .await?
        > 0)
}

async fn find_grant(
    db: &impl ConnectionTrait,
    on: &OnResource<'_>,
    id: CollaboratorId,
) -> DomainResult<collaborator::Model> {
    collaborator::Entity::find_by_id(id.0)
        .filter(collaborator::Column::ResourceId.eq(on.target.id))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound("Collaborator".into()))
}

/// The stored kind and id of a subject of the actor's tenant.
async fn find_subject(
    db: &impl ConnectionTrait,
    me: Acting<'_>,
    subject: &Subject,
) -> DomainResult<(&'static str, i64)> {
    match subject {
        Subject::User(email) => user::Entity::find()
            .filter(user::Column::TenantId.eq(me.tenant_id().0))
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .map(|u| (SUBJECT_USER, u.id))
            .ok_or_else(|| {
                DomainError::validation("subject", format!("No user has the address {email}."))
            }),
        Subject::Team(name) => team::Entity::find()
            .filter(team::Column::TenantId.eq(me.tenant_id().0))
            .filter(team::Column::Name.eq(name.as_str()))
            .one(db)
            .await?
            .map(|t| (SUBJECT_TEAM, t.id))
            .ok_or_else(|| DomainError::validation("subject", format!("No team is named {name}."))),
        Subject::VirtualAccount(name) => virtual_account::Entity::find()
            .filter(virtual_account::Column::TenantId.eq(me.tenant_id().0))
            .filter(virtual_account::Column::Name.eq(name.as_str()))
            .one(db)
            .await?
            .map(|v| (SUBJECT_VIRTUAL_ACCOUNT, v.id))
            .ok_or_else(|| {
                DomainError::validation("subject", format!("No virtual account is named {name}."))
            }),
    }
}

async fn builtin_resource_role(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    name: &str,
) -> DomainResult<role::Model> {
    role::Entity::find()
        .filter(role::Column::TenantId.eq(tenant_id))
        .filter(role::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| {
            DomainError::Internal(format!("built-in role {name} is missing: run bootstrap"))
        })
}

/// Summaries of `resources` (parents looked up in `by_id`), with their creators' emails.
async fn summaries(
    db: &impl ConnectionTrait,
    resources: Vec<resource::Model>,
    by_id: &BTreeMap<i64, resource::Model>,
) -> DomainResult<Vec<ResourceSummary>> {
    let creators: BTreeMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(resources.iter().filter_map(|r| r.created_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    Ok(resources
        .into_iter()
        .filter_map(|r| {
            let kind = ResourceType::from_key(&r.resource_type)?;
            Some(ResourceSummary {
                id: ResourceId(r.id),
                resource_type: kind,
                parent: r
                    .parent_id
                    .and_then(|p| by_id.get(&p))
                    .and_then(resource_ref),
                created_by: r.created_by.and_then(|u| creators.get(&u).cloned()),
                created_at: r.created_at,
                name: r.name,
            })
        })
        .collect())
}

fn resource_ref(r: &resource::Model) -> Option<ResourceRef> {
    Some(ResourceRef {
        id: ResourceId(r.id),
        resource_type: ResourceType::from_key(&r.resource_type)?,
        name: r.name.clone(),
    })
}

fn role_ref(r: &role::Model) -> RoleRef {
    RoleRef {
        id: RoleId(r.id),
        name: r.name.clone(),
        display_name: r.display_name.clone(),
    }
}

async fn detail(
    db: &impl ConnectionTrait,
    on: &OnResource<'_>,
    can_manage: bool,
    can_delete: bool,
    window: (u64, u64),
) -> DomainResult<ResourceDetail> {
    let mut by_id = BTreeMap::new();
    if let Some(parent) = &on.parent {
        by_id.insert(parent.id, parent.clone());
    }
    let resource = summaries(db, vec![on.target.clone()], &by_id)
        .await?
        .pop()
        .ok_or_else(|| DomainError::Internal("resource of an unknown type".into()))?;
    let roles: Vec<role::Model> = role::Entity::find()
        .filter(role::Column::TenantId.eq(on.me.tenant_id().0))
        .filter(role::Column::ResourceType.eq(on.kind.key()))
        .order_by_desc(role::Column::Builtin)
        .order_by_asc(role::Column::Id)
        .all(db)
        .await?;
    Ok(ResourceDetail {
        resource,
        collaborators: collaborator_page(db, on.target.id, window).await?,
        roles: roles.iter().map(role_ref).collect(),
        can_manage,
        can_delete,
    })
}

/// The page of collaborators a change answers with.
const FIRST_COLLABORATORS: (u64, u64) = (CollaboratorQuery::DEFAULT_LIMIT, 0);

/// The (limit, offset) a collaborator query asks for, checked.
fn collaborator_window(query: &CollaboratorQuery) -> DomainResult<(u64, u64)> {
    page_window(
        query.limit,
        query.offset,
        CollaboratorQuery::DEFAULT_LIMIT,
        CollaboratorQuery::MAX_LIMIT,
    )
}

/// One collaborator grant with the names it is shown by, as one row of a joined read.
#[derive(Debug, FromQueryResult)]
struct CollaboratorLine {
    /// How many grants the resource has in all (a window count, so the page and the total
    /// come from one read).
    total: i64,
    id: i64,
    subject_kind: String,
    subject_id: i64,
    /// The user's email, the team's or the virtual account's name.
    identifier: Option<String>,
    /// A user's display name (none for other subjects).
    display_name: Option<String>,
    role_id: i64,
    role_name: String,
    role_display_name: String,
    granted_by: Option<String>,
    granted_at: DateTime<Utc>,
}

/// One page (limit, offset) of a resource's collaborators, oldest grant first, with the total:
/// one query joining each grant to its subject's name, its role and its granter.
async fn collaborator_page(
    db: &impl ConnectionTrait,
    resource_id: i64,
    (limit, offset): (u64, u64),
) -> DomainResult<Page<CollaboratorRow>> {
    let c = Alias::new("c");
    let r = Alias::new("r");
    // Each name is a primary-key lookup per row of the page: joins on "kind = x AND id = y"
    // led PostgreSQL to hash whole tables (3 ms a call with 10,000 teams).
    let name_of_subject = Expr::cust(format!(
        r#"CASE "c"."subject_kind" WHEN '{SUBJECT_USER}' THEN (SELECT "email" FROM "users" WHERE "users"."id" = "c"."subject_id") WHEN '{SUBJECT_TEAM}' THEN (SELECT "name" FROM "teams" WHERE "teams"."id" = "c"."subject_id") WHEN '{SUBJECT_VIRTUAL_ACCOUNT}' THEN (SELECT "name" FROM "virtual_accounts" WHERE "virtual_accounts"."id" = "c"."subject_id") END"#
    ));
    // Only a user is known by another name than the one grants use; teams and virtual
    // accounts go by their name.
    let display_name_of_user = Expr::cust(format!(
        r#"CASE "c"."subject_kind" WHEN '{SUBJECT_USER}' THEN (SELECT "display_name" FROM "users" WHERE "users"."id" = "c"."subject_id") END"#
    ));
    let granter =
        Expr::cust(r#"(SELECT "email" FROM "users" WHERE "users"."id" = "c"."granted_by")"#);
    let mut select = Query::select();
    select
        .expr_as(Expr::cust("COUNT(*) OVER ()"), "total")
        .expr_as(Expr::col((c.clone(), collaborator::Column::Id)), "id")
        .expr_as(
            Expr::col((c.clone(), collaborator::Column::SubjectKind)),
            "subject_kind",
        )
        .expr_as(
            Expr::col((c.clone(), collaborator::Column::SubjectId)),
            "subject_id",
        )
        .expr_as(name_of_subject, "identifier")
        .expr_as(display_name_of_user, "display_name")
        .expr_as(Expr::col((r.clone(), role::Column::Id)), "role_id")
        .expr_as(Expr::col((r.clone(), role::Column::Name)), "role_name")
        .expr_as(
            Expr::col((r.clone(), role::Column::DisplayName)),
            "role_display_name",
        )
        .expr_as(granter, "granted_by")
        .expr_as(
            Expr::col((c.clone(), collaborator::Column::GrantedAt)),
            "granted_at",
        )
        .from_as(collaborator::Entity, c.clone())
        .join_as(
            JoinType::InnerJoin,
            role::Entity,
            r.clone(),
            Expr::col((r.clone(), role::Column::Id))
                .equals((c.clone(), collaborator::Column::RoleId)),
        )
        .and_where(Expr::col((c.clone(), collaborator::Column::ResourceId)).eq(resource_id))
        .order_by((c.clone(), collaborator::Column::GrantedAt), Order::Asc)
        .order_by((c.clone(), collaborator::Column::Id), Order::Asc);
    select.limit(limit).offset(offset);
    let lines = CollaboratorLine::find_by_statement(db.get_database_backend().build(&select))
        .all(db)
        .await?;
    let total = match lines.first() {
        Some(line) => u64::try_from(line.total).unwrap_or(0),
        // Past the end of the list the window count has no row to ride on.
        None if offset > 0 => {
            collaborator::Entity::find()
                .filter(collaborator::Column::ResourceId.eq(resource_id))
                .count(db)
                .await?
        }
        None => 0,
    };
    let items = lines
        .into_iter()
        // A grant whose subject is gone (deleted between reads) has no name to show.
        .filter_map(|line| {
            let subject_link = match line.subject_kind.as_str() {
                SUBJECT_USER => SubjectLink::User(UserId(line.subject_id)),
                SUBJECT_TEAM => SubjectLink::Team(TeamId(line.subject_id)),
                SUBJECT_VIRTUAL_ACCOUNT => {
                    SubjectLink::VirtualAccount(VirtualAccountId(line.subject_id))
                }
                _ => return None,
            };
            let identifier = line.identifier?;
            Some(CollaboratorRow {
                id: CollaboratorId(line.id),
                subject: format!("{}:{identifier}", line.subject_kind),
                subject_link,
                subject_label: line.display_name.unwrap_or(identifier),
                role: RoleRef {
                    id: RoleId(line.role_id),
                    name: line.role_name,
                    display_name: line.role_display_name,
                },
                granted_by: line.granted_by,
                granted_at: line.granted_at,
            })
        })
        .collect();
    Ok(Page {
        items,
        total,
        limit,
        offset,
    })
}

/// A user's collaborator grants, as "workspace prod (Workspace Viewer)", by resource name.
pub(crate) async fn grants_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> DomainResult<Vec<String>> {
    let rows = collaborator::Entity::find()
        .filter(collaborator::Column::SubjectKind.eq(SUBJECT_USER))
        .filter(collaborator::Column::SubjectId.eq(user_id))
        .all(db)
        .await?;
    describe_grants(db, rows).await
}

/// The number of collaborator grants a team holds.
pub(crate) async fn grant_count_of_team(
    db: &impl ConnectionTrait,
    team_id: i64,
) -> DomainResult<u64> {
    Ok(collaborator::Entity::find()
        .filter(collaborator::Column::SubjectKind.eq(SUBJECT_TEAM))
        .filter(collaborator::Column::SubjectId.eq(team_id))
        .count(db)
        .await?)
}

/// Removes every grant a team holds (the team is being deleted).
pub(crate) async fn remove_grants_of_team(
    db: &impl ConnectionTrait,
    team_id: i64,
) -> DomainResult<()> {
    collaborator::Entity::delete_many()
        .filter(collaborator::Column::SubjectKind.eq(SUBJECT_TEAM))
        .filter(collaborator::Column::SubjectId.eq(team_id))
        .exec(db)
        .await?;
    Ok(())
}

async fn describe_grants(
    db: &impl ConnectionTrait,
    rows: Vec<collaborator::Model>,
) -> DomainResult<Vec<String>> {
    let (resources, roles) = resources_and_roles_of(db, &rows).await?;
    let mut described: Vec<String> = rows
        .iter()
        .filter_map(|row| {
            let on = resources.get(&row.resource_id)?;
            let held = roles.get(&row.role_id)?;
            Some(format!(
                "{} {} ({})",
                on.resource_type, on.name, held.display_name
            ))
        })
        .collect();
    described.sort();
    Ok(described)
}

/// The grants that reach a user: made to them, or to a team they belong to; by resource name.
pub(crate) async fn grants_reaching_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    teams: &[(i64, String)],
) -> DomainResult<Vec<UserGrant>> {
    grants_reaching(db, Some((SUBJECT_USER, user_id)), teams).await
}

/// The grants made to a team, by resource name.
pub(crate) async fn grants_of_team(
    db: &impl ConnectionTrait,
    team_id: i64,
    team_name: &str,
) -> DomainResult<Vec<UserGrant>> {
    grants_reaching(db, None, &[(team_id, team_name.to_string())]).await
}

/// The grants made to a virtual account, by resource name.
pub(crate) async fn grants_of_virtual_account(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> DomainResult<Vec<UserGrant>> {
    grants_reaching(db, Some((SUBJECT_VIRTUAL_ACCOUNT, account_id)), &[]).await
}

/// The grants made to one subject (kind and id) or to any of `teams`.
async fn grants_reaching(
    db: &impl ConnectionTrait,
    subject: Option<(&str, i64)>,
    teams: &[(i64, String)],
) -> DomainResult<Vec<UserGrant>> {
    let mut condition = sea_orm::Condition::any();
    if let Some((subject_kind, subject_id)) = subject {
        condition = condition.add(
            sea_orm::Condition::all()
                .add(collaborator::Column::SubjectKind.eq(subject_kind))
                .add(collaborator::Column::SubjectId.eq(subject_id)),
        );
    }
    if subject.is_none() && teams.is_empty() {
        return Ok(Vec::new());
    }
    if !teams.is_empty() {
        condition = condition.add(
            sea_orm::Condition::all()
                .add(collaborator::Column::SubjectKind.eq(SUBJECT_TEAM))
                .add(collaborator::Column::SubjectId.is_in(teams.iter().map(|(id, _)| *id))),
        );
    }
    let rows = collaborator::Entity::find()
        .filter(condition)
        .all(db)
        .await?;
    let (resources, roles) = resources_and_roles_of(db, &rows).await?;
    let mut grants: Vec<UserGrant> = rows
        .iter()
        .filter_map(|row| {
            let via_team = if row.subject_kind == SUBJECT_TEAM {
                let (id, name) = teams.iter().find(|(id, _)| *id == row.subject_id)?;
                Some(TeamRef {
                    id: TeamId(*id),
                    name: name.clone(),
                })
            } else {
                None
            };
            let role = roles.get(&row.role_id)?;
            Some(UserGrant {
                resource: resource_ref(resources.get(&row.resource_id)?)?,
                role: role.display_name.clone(),
                role_id: RoleId(role.id),
                role_name: role.name.clone(),
                via_team,
            })
        })
        .collect();
    grants.sort_by(|a, b| {
        let team = |g: &UserGrant| g.via_team.as_ref().map(|t| t.name.clone());
        (&a.resource.name, team(a)).cmp(&(&b.resource.name, team(b)))
    });
    Ok(grants)
}

/// The resources and roles `rows` refer to, by id.
async fn resources_and_roles_of(
    db: &impl ConnectionTrait,
    rows: &[collaborator::Model],
) -> DomainResult<(BTreeMap<i64, resource::Model>, BTreeMap<i64, role::Model>)> {
    let resources = resource::Entity::find()
        .filter(resource::Column::Id.is_in(rows.iter().map(|r| r.resource_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let roles = roles_by_id(db, rows.iter().map(|r| r.role_id)).await?;
    Ok((resources, roles))
}
