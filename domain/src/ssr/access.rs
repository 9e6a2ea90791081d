//! The access decision on resources, and its explanation: one computation for both.
//!
//! A subject may do permission X on resource R when X is held through:
//! - the Admin role (directly or through a team),
//! - a tenant role (its own, or a team's) holding X, which covers every resource of R's type,
//! - a collaborator grant on R, or on R's parent cluster, to the subject or to one of its teams,
//!   whose role holds X (a virtual account has no teams and no tenant role: only its grants).
//!
//! `SubjectAccess::load` reads everything about one subject once; `explain` is then pure, so
//! lists can filter many resources with the very function single checks use.

use crate::dto::{AccessAnswer, AccessPath, AccessPathKind, UserStatus};
use crate::permissions::Permission;
use crate::ssr::effective::{HeldRole, held_role, held_roles};
use crate::ssr::entities::{collaborator, resource, role, team, user, virtual_account};
use crate::ssr::error::DomainResult;
use crate::ssr::scope::teams_of;
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeMap;

/// Collaborator subject kinds as stored.
pub(crate) const SUBJECT_USER: &str = "user";
pub(crate) const SUBJECT_TEAM: &str = "team";
pub(crate) const SUBJECT_VIRTUAL_ACCOUNT: &str = "virtualaccount";

/// Whom a question is about.
pub(crate) enum Principal {
    User(user::Model),
    Team(team::Model),
    /// Holds no tenant role and belongs to no team: only its own grants count.
    VirtualAccount(virtual_account::Model),
}

/// A grant to the subject (or one of its teams) on one resource.
struct Grant {
    resource_id: i64,
    held: HeldRole,
}

/// Everything that decides what one subject may do on resources.
pub(crate) struct SubjectAccess {
    blocked: Option<String>,
    tenant_roles: Vec<HeldRole>,
    grants: Vec<Grant>,
}

impl SubjectAccess {
    pub(crate) async fn load(
        db: &impl ConnectionTrait,
        principal: &Principal,
    ) -> DomainResult<SubjectAccess> {
        // (subject kind, subject id, the team it goes through)
        let mut subjects: Vec<(&str, i64, Option<team::Model>)> = Vec::new();
        let mut blocked = None;
        let tenant_roles = match principal {
            Principal::User(found) => {
                if UserStatus::parse(&found.status) != Some(UserStatus::Active) {
                    blocked = Some("The user is deactivated: nothing grants them access.".into());
                }
                subjects.push((SUBJECT_USER, found.id, None));
                let teams: Vec<team::Model> = teams_of(db, [found.id])
                    .await?
                    .into_iter()
                    .map(|(_, team, _)| team)
                    .collect();
                for member_of in &teams {
                    subjects.push((SUBJECT_TEAM, member_of.id, Some(member_of.clone())));
                }
                let own = role::Entity::find_by_id(found.role_id).one(db).await?;
                held_roles(db, own.as_ref(), &teams).await?
            }
            Principal::Team(found) => {
                subjects.push((SUBJECT_TEAM, found.id, Some(found.clone())));
                held_roles(db, None, std::slice::from_ref(found)).await?
            }
            Principal::VirtualAccount(found) => {
                if found.expires_at.is_some_and(|at| at <= Utc::now()) {
                    blocked =
                        Some("The virtual account has expired: nothing grants it access.".into());
                }
                subjects.push((SUBJECT_VIRTUAL_ACCOUNT, found.id, None));
                Vec::new()
            }
        };
        let mut condition = Condition::any();
        for (kind, id, _) in &subjects {
            condition = condition.add(
                Condition::all()
                    .add(collaborator::Column::SubjectKind.eq(*kind))
                    .add(collaborator::Column::SubjectId.eq(*id)),
            );
        }
        // In the order they were granted, so explanations read the same every time.
        let rows = collaborator::Entity::find()
            .filter(condition)
            .order_by_asc(collaborator::Column::Id)
            .all(db)
            .await?;
        let mut roles: BTreeMap<i64, role::Model> = BTreeMap::new();
        for found in role::Entity::find()
            .filter(role::Column::Id.is_in(rows.iter().map(|r| r.role_id)))
            .all(db)
            .await?
        {
            roles.insert(found.id, found);
        }
        let mut grants = Vec::new();
        for row in rows {
            let Some(granted) = roles.get(&row.role_id) else {
                continue;
            };
            let via_team = subjects
                .iter()
                .find(|(kind, id, _)| *kind == row.subject_kind && *id == row.subject_id)
                .and_then(|(_, _, via)| via.as_ref().map(|t| t.name.clone()));
            grants.push(Grant {
                resource_id: row.resource_id,
                held: held_role(db, via_team, granted).await?,
            });
        }
        Ok(SubjectAccess {
            blocked,
            tenant_roles,
            grants,
        })
    }

    /// Whether `permission` is held on `target` (whose parent cluster, if any, is `parent`),
    /// with every path that grants it.
    pub(crate) fn explain(
        &self,
        permission: Permission,
        target: &resource::Model,
        parent: Option<&resource::Model>,
    ) -> AccessAnswer {
        let mut paths = Vec::new();
        for held in &self.tenant_roles {
            if held.is_admin {
                paths.push(path(AccessPathKind::Admin, held, None));
            } else if held.permissions.contains(&permission) {
                paths.push(path(AccessPathKind::TenantRole, held, None));
            }
        }
        for grant in &self.grants {
            let on_parent = match parent {
                Some(p) if grant.resource_id == p.id => Some(p.name.clone()),
                _ if grant.resource_id == target.id => None,
                _ => continue,
            };
            if grant.held.permissions.contains(&permission) {
                paths.push(path(AccessPathKind::Grant, &grant.held, on_parent));
            }
        }
        AccessAnswer {
            allowed: self.blocked.is_none() && !paths.is_empty(),
            paths,
            blocked: self.blocked.clone(),
        }
    }

    /// Whether `permission` is held at the tenant level (for every resource of its type), as
    /// creating a resource needs.
    pub(crate) fn holds_tenant_wide(&self, permission: Permission) -> bool {
        self.blocked.is_none()
            && self
                .tenant_roles
                .iter()
                .any(|h| h.is_admin || h.permissions.contains(&permission))
    }
}

fn path(kind: AccessPathKind, held: &HeldRole, on_parent: Option<String>) -> AccessPath {
    AccessPath {
        kind,
        via_team: held.via_team.clone(),
        role: held.role_name.clone(),
        on_parent,
    }
}
